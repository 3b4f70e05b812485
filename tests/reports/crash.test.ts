import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import * as ledger from '../../distributor/src/reports/ledger.js';
import { scheduleInputSchema } from '../../distributor/src/reports/schedule.js';
import { saveSchedule } from '../../distributor/src/reports/scheduleStore.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtpServer.js';
import { arrangeStores, occurrenceDone, waitUntil } from './fixtures.js';

jest.setTimeout(180_000);

const here = path.dirname(fileURLToPath(import.meta.url));
let db: TestDatabase;
let smtp: TestSmtpServer;
const children: ChildProcess[] = [];

/** Starts the engine in a process of its own; resolves with its output lines once it is ready. */
async function startEngineProcess(extraEnv: Record<string, string>): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'engineProcess.ts')], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: db.url,
      REPORT_SMTP_URL: smtp.url,
      REPORT_SMTP_CONNECTIONS: '4',
      REPORT_FROM: 'reports@orgscope.test',
      REPORT_JOB_EXPIRE_SECONDS: '5',
      REPORT_QUEUE_MAINTENANCE_SECONDS: '1',
      REPORT_QUEUE_POLL_SECONDS: '0.5',
      REPORT_MAIL_BACKOFF_MS: '10',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`engine process exited with ${code} before it was ready`)));
    reader.on('line', (line) => {
      lines.push(line);
      if (line === 'ready') resolve();
    });
  });
  return { child, lines };
}

beforeAll(async () => {
  db = await createTestDatabase();
  await arrangeStores(db.admin, 50, 4);
  smtp = await startSmtpServer();
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await smtp?.close();
  await db?.drop();
});

describe('a distributor killed mid-run', () => {
  it('is restarted: of 200 recipients none gets two emails, every sent one got one, only those in flight are unknown', async () => {
    const input = {
      name: 'all-stores',
      dashboardUid: 'experience',
      cron: '0 8 * * 1',
      timeZone: 'UTC',
      audience: { units: ['REGION'] },
    };
    const { id } = await saveSchedule(db.admin, scheduleInputSchema.parse(input), 'api');

    const first = await startEngineProcess({ RUN_NOW: String(id) });
    await smtp.waitForMessages(60);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const occurrenceId = (await waitForLine(first.lines, /^run /)).slice(4);
    const atKill = await ledger.listDeliveries(db.admin, { occurrenceId });
    expect(atKill.filter((d) => d.state === 'sent').length).toBeLessThan(200);

    await startEngineProcess({});
    await waitUntil('the occurrence is done after the restart', () => occurrenceDone(db.admin, occurrenceId), 120_000);

    const deliveries = await ledger.listDeliveries(db.admin, { occurrenceId });
    const received = new Map<string, number>();
    for (const m of smtp.received) received.set(m.envelopeTo[0]!, (received.get(m.envelopeTo[0]!) ?? 0) + 1);
    const unknown = deliveries.filter((d) => d.state === 'unknown');

    expect(deliveries).toHaveLength(200);
    expect(deliveries.filter((d) => d.state === 'sent').length + unknown.length).toBe(200);
    for (const d of deliveries)
      expect(received.get(d.email) ?? 0).toBe(d.state === 'sent' ? 1 : (received.get(d.email) ?? 0));
    expect(Math.max(...received.values())).toBe(1);
    // Only a message whose end of DATA may have gone out at the moment of the kill can be unknown: at
    // most one per SMTP connection. Any other send cut by the kill was sent again after the restart.
    expect(unknown.length).toBeLessThanOrEqual(4);
    for (const d of unknown) expect(d.lastError).toMatch(/handed over/);
    console.log(`crash test: ${smtp.received.length} emails for 200 recipients, ${unknown.length} unknown`);
  });
});

async function waitForLine(lines: string[], pattern: RegExp): Promise<string> {
  const line = lines.find((l) => pattern.test(l));
  if (!line) throw new Error(`the engine process printed no line like ${pattern}: ${lines.join(' | ')}`);
  return line;
}
