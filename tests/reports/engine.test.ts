import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pino from 'pino';
import { Registry } from 'prom-client';

import { resolveScope } from '../../distributor/src/scope/resolve.js';
import { ReportEngine } from '../../distributor/src/reports/engine.js';
import * as ledger from '../../distributor/src/reports/ledger.js';
import { createMailer, type Mailer } from '../../distributor/src/reports/mail/mailer.js';
import { createReportMetrics } from '../../distributor/src/reports/metrics.js';
import { scheduleInputSchema } from '../../distributor/src/reports/schedule.js';
import { saveSchedule } from '../../distributor/src/reports/scheduleStore.js';
import type { ReportSettings } from '../../distributor/src/reports/settings.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtpServer.js';
import { arrangeStores, occurrenceDone, renderStandIn, testSettings, TICKET_SECRET, waitUntil } from './fixtures.js';

jest.setTimeout(120_000);

let db: TestDatabase;
let smtp: TestSmtpServer;
const mailers: Mailer[] = [];
const engines: ReportEngine[] = [];
const renders = renderStandIn();
let scheduleId: number;

function startEngine(
  settings: ReportSettings = testSettings({ REPORT_QUEUE_POLL_SECONDS: '0.5' }),
  registry = new Registry(),
) {
  const mailer = createMailer({ smtpUrl: smtp.url, connections: 2, log: pino({ level: 'silent' }) });
  mailers.push(mailer);
  const engine = new ReportEngine({
    admin: db.admin,
    databaseUrl: db.url,
    log: pino({ level: process.env.ORGSCOPE_TEST_LOG ?? 'silent' }),
    settings,
    metrics: createReportMetrics(registry),
    resolveScope: (who) => resolveScope(db.admin, who),
    mailer,
    render: renders.render,
    ticketSecret: TICKET_SECRET,
    clock: () => new Date(),
  });
  engines.push(engine);
  return engine;
}

beforeAll(async () => {
  db = await createTestDatabase();
  await arrangeStores(db.admin, 10, 3);
  smtp = await startSmtpServer();
  const input = {
    name: 'east',
    title: 'Weekly',
    dashboardUid: 'experience',
    cron: '0 8 * * 1',
    timeZone: 'Asia/Shanghai',
    audience: { units: ['REGION'] },
  };
  scheduleId = (await saveSchedule(db.admin, scheduleInputSchema.parse(input), 'api')).id;
});
afterAll(async () => {
  for (const engine of engines) await engine.stop();
  for (const mailer of mailers) mailer.close();
  await smtp?.close();
  await db?.drop();
});

describe('report engine on a PostgreSQL queue', () => {
  const registry = new Registry();

  it('runs an occurrence ticked on two instances once: one render per scope, one email per recipient', async () => {
    const [a, b] = [startEngine(undefined, registry), startEngine()];
    await Promise.all([a.start(), b.start()]);
    const fireTime = new Date('2026-12-07T00:00:00Z');

    const ids = await Promise.all([
      a.fire(scheduleId, fireTime, 'scheduled'),
      b.fire(scheduleId, fireTime, 'scheduled'),
    ]);
    const [id] = ids.filter((x) => x !== undefined);
    expect(ids.filter((x) => x === undefined)).toHaveLength(1);
    await waitUntil('the occurrence is done', () => occurrenceDone(db.admin, id!));

    expect(renders.requests).toHaveLength(10);
    expect(smtp.received).toHaveLength(30);
    expect(new Set(smtp.received.map((m) => m.envelopeTo[0])).size).toBe(30);
    const { rows } = await db.admin.query('SELECT count(*)::int AS n FROM orgscope_report.occurrence');
    expect(rows[0].n).toBe(1);
  });

  it('reports deliveries by state, queue depth and occurrences at /metrics', async () => {
    const text = await registry.metrics();
    expect(text).toContain('orgscope_report_deliveries{state="sent"} 30');
    expect(text).toMatch(/orgscope_report_queue_depth \d+/);
    expect(text).toMatch(/orgscope_report_delivery_outcomes_total\{state="sent"\} \d+/);
  });

  it('runs a schedule now and sends a preview of one recipient’s report to the admin only', async () => {
    const engine = engines[0]!;
    const before = smtp.received.length;
    const preview = await engine.preview(scheduleId, 'm003-2', 'admin@chain.example');
    await waitUntil('the preview is done', () => occurrenceDone(db.admin, preview));
    const sent = smtp.received.slice(before);
    expect(sent.map((m) => m.envelopeTo)).toEqual([['admin@chain.example']]);
    expect(sent[0]!.parsed.subject).toBe('Weekly: Store 3');

    const run = await engine.runNow(scheduleId);
    await waitUntil('the run is done', () => occurrenceDone(db.admin, run));
    expect(smtp.received.length - before).toBe(31);
  });

  it('runs the latest fire time missed while stopped once, when REPORT_MISSED=run_once', async () => {
    await db.admin.query(
      `UPDATE orgscope_report.schedule SET cron = '*/10 * * * *', updated_at = now() - interval '1 day' WHERE id = $1`,
      [scheduleId],
    );
    await db.admin.query(`DELETE FROM orgscope_report.occurrence`);
    const skipping = startEngine(testSettings({ REPORT_MISSED: 'skip' }));
    await skipping.start();
    expect((await db.admin.query('SELECT count(*)::int AS n FROM orgscope_report.occurrence')).rows[0].n).toBe(0);

    const catching = startEngine(testSettings({ REPORT_MISSED: 'run_once' }));
    await catching.start();
    const { rows } = await db.admin.query<{ id: string; fire_time: Date; kind: string }>(
      'SELECT id, fire_time, kind FROM orgscope_report.occurrence',
    );
    expect(rows.map((r) => r.kind)).toEqual(['missed']);
    expect(rows[0]!.fire_time.getUTCMinutes() % 10).toBe(0);
    expect(Date.now() - rows[0]!.fire_time.getTime()).toBeLessThan(10 * 60_000);
    await waitUntil('the missed run is done', () => occurrenceDone(db.admin, rows[0]!.id));
    expect(await ledger.listDeliveries(db.admin, { occurrenceId: rows[0]!.id, state: 'sent' })).toHaveLength(30);
  });
});
