import { EventEmitter } from 'node:events';
import type net from 'node:net';

import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/**
 * What the server does with one message, decided when its DATA arrives:
 * - accept: 250, stored;
 * - defer: 451 after the data, not stored (a transient refusal);
 * - reject: 550 after the data, not stored (a permanent refusal);
 * - drop_before_end: the connection is cut while the data is still arriving, not stored;
 * - drop_after_accept: the whole message is stored, then the connection is cut before the reply.
 */
export type SmtpFault = 'accept' | 'defer' | 'reject' | 'drop_before_end' | 'drop_after_accept';

export interface ReceivedMail {
  envelopeTo: string[];
  parsed: ParsedMail;
  fault: SmtpFault;
}

export interface TestSmtpServer {
  url: string;
  /** Messages the server accepted (including those it kept before cutting the connection). Empty with `parse: false`. */
  received: ReceivedMail[];
  /** How many messages the server accepted. */
  count(): number;
  /** DATA transfers the server saw, by what it did with them. */
  attempts: Record<SmtpFault, number>;
  /** Resolves once `count` messages were received. */
  waitForMessages(count: number): Promise<void>;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1, port 0, that can refuse and cut connections on purpose. */
export async function startSmtpServer(
  options: { fault?: (n: number, to: string[]) => SmtpFault; parse?: boolean } = {},
): Promise<TestSmtpServer> {
  const events = new EventEmitter();
  const received: ReceivedMail[] = [];
  const attempts: Record<SmtpFault, number> = {
    accept: 0,
    defer: 0,
    reject: 0,
    drop_before_end: 0,
    drop_after_accept: 0,
  };
  let counter = 0;
  let accepted = 0;

  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 64 * 1024 * 1024,
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo.map((r) => r.address);
      const fault = options.fault?.(counter++, to) ?? 'accept';
      attempts[fault] += 1;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (options.parse !== false || chunks.length === 0) chunks.push(chunk);
        if (fault === 'drop_before_end' && chunks.length === 1) socketOf(server, session)?.destroy();
      });
      stream.on('end', async () => {
        if (fault === 'drop_before_end') return;
        if (fault === 'defer')
          return callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
        if (fault === 'reject')
          return callback(Object.assign(new Error('No such mailbox here'), { responseCode: 550 }));
        if (options.parse !== false)
          received.push({ envelopeTo: to, parsed: await simpleParser(Buffer.concat(chunks)), fault });
        accepted += 1;
        events.emit('message');
        if (fault === 'drop_after_accept') socketOf(server, session)?.destroy();
        else callback(null, 'Queued');
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = (server as unknown as { server: net.Server }).server.address() as net.AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    count: () => accepted,
    attempts,
    waitForMessages: (count) =>
      new Promise((resolve) => {
        const check = () => accepted >= count && (events.off('message', check), resolve());
        events.on('message', check);
        check();
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The socket of the session's connection: smtp-server keeps its connections in a set. */
function socketOf(server: SMTPServer, session: SMTPServerSession): net.Socket | undefined {
  const connections = (server as unknown as { connections: Set<{ session: SMTPServerSession; _socket: net.Socket }> })
    .connections;
  for (const connection of connections) if (connection.session.id === session.id) return connection._socket;
  return undefined;
}
