import { Readable } from 'node:stream';

import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { Logger } from 'pino';

import { INLINE_IMAGE_CID, type ReportEmail } from './message.js';

/**
 * What became of one attempt. `retry`: the server did not take the message (a 4xx reply, or the
 * connection dropped before the end of DATA), so sending again cannot duplicate it. `unknown`: the
 * message had been handed over in full when the failure came; the server may have accepted it.
 */
export type SendOutcome =
  | { state: 'sent'; response: string }
  | { state: 'retry'; reason: string }
  | { state: 'failed'; reason: string }
  | { state: 'unknown'; reason: string };

export interface Mailer {
  /**
   * Waits for a free SMTP connection. The caller marks the delivery 'sending' only once it holds
   * one, so a crash leaves as 'unknown' just the messages really on the wire, not those queued.
   */
  acquire(): Promise<() => void>;
  /**
   * Sends one email. `beforeEnd` runs once the whole message has been handed to the connection and
   * before the end of DATA is sent; if it fails (the attempt was fenced off) the message is abandoned
   * before the server could accept it.
   */
  send(email: ReportEmail, beforeEnd?: () => Promise<void>): Promise<SendOutcome>;
  close(): void;
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

export function createMailer(options: { smtpUrl: string; connections: number; log: Logger }): Mailer {
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    pool: true,
    maxConnections: options.connections,
    // The pool's own requeue would resend a message whose connection dropped after the server may
    // have accepted it; the delivery ledger decides about every retry instead.
    maxRequeues: 0,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  } as SMTPPool.Options);

  // An idle pooled connection that fails is dropped by the pool; say so rather than crash on 'error'.
  transport.on('error', (error) => options.log.warn({ err: error }, 'SMTP connection error'));
  const slots = new Slots(options.connections);
  return {
    acquire: () => slots.acquire(),
    async send(email, beforeEnd) {
      const raw = await buildRaw(email);
      let handedOver = false;
      // The message goes out when nodemailer first reads; its next read means all of it went to the
      // connection. Only then does `beforeEnd` run, and only after it does the source end, which is
      // what lets nodemailer send the end of DATA.
      let reads = 0;
      const source = new Readable({
        read() {
          reads += 1;
          if (reads === 1) this.push(raw);
          if (reads !== 2) return;
          (beforeEnd ?? (async () => undefined))().then(
            () => this.push(null),
            (error: unknown) => this.destroy(error as Error),
          );
        },
      }).on('end', () => (handedOver = true));
      try {
        const info = await transport.sendMail({ envelope: { from: email.from, to: [email.to] }, raw: source });
        return { state: 'sent', response: String(info.response ?? '') };
      } catch (error) {
        return classify(error as SmtpError, handedOver);
      }
    },
    close: () => transport.close(),
  };
}

/** A counting semaphore: at most `size` holders at once, served in order. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    };
  }
}

/** 5xx is final; 4xx and a drop before the end of DATA are retried; a drop after it is unknown. */
export function classify(error: SmtpError, handedOver: boolean): SendOutcome {
  const reply = error.response ?? error.message;
  if (error.responseCode && error.responseCode >= 500) return { state: 'failed', reason: `server refused: ${reply}` };
  if (error.responseCode && error.responseCode >= 400) return { state: 'retry', reason: `server deferred: ${reply}` };
  if (handedOver)
    return { state: 'unknown', reason: `connection lost after the message was sent (${error.code ?? error.message})` };
  return { state: 'retry', reason: `connection lost before the message was sent (${error.code ?? error.message})` };
}

async function buildRaw(email: ReportEmail): Promise<Buffer> {
  const attachments = [];
  if (email.png)
    attachments.push({
      filename: 'dashboard.png',
      content: email.png,
      cid: INLINE_IMAGE_CID,
      contentType: 'image/png',
    });
  if (email.pdf) attachments.push({ filename: email.pdfName, content: email.pdf, contentType: 'application/pdf' });
  const composer = new MailComposer({
    from: email.from,
    to: email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    messageId: email.messageId,
    attachments,
  });
  return new Promise((resolve, reject) =>
    composer.compile().build((error, message) => (error ? reject(error) : resolve(message))),
  );
}
