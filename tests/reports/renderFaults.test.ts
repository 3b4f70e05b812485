import net from 'node:net';

import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pino from 'pino';
import { Registry } from 'prom-client';

import * as ledger from '../../distributor/src/reports/ledger.js';
import { createMailer, type Mailer } from '../../distributor/src/reports/mail/mailer.js';
import { createReportMetrics } from '../../distributor/src/reports/metrics.js';
import type { BrowserPool } from '../../distributor/src/reports/render/browserPool.js';
import { fanOutOccurrence, runGroup } from '../../distributor/src/reports/run.js';
import { scheduleInputSchema } from '../../distributor/src/reports/schedule.js';
import { saveSchedule } from '../../distributor/src/reports/scheduleStore.js';
import type { TestDatabase } from '../support/database.js';
import { arrangeSmallChain, VIEWERS } from '../support/smallChain.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtpServer.js';
import { runDeps, testSettings } from './fixtures.js';
import { pdfText } from './pdfText.js';
import { chromiumPool, realRender, startScopedDashboard } from './scopedRender.js';

jest.setTimeout(120_000);

let env: Awaited<ReturnType<typeof startScopedDashboard>>;
let smtp: TestSmtpServer;
let mailer: Mailer;
let pool: BrowserPool | undefined;
let scheduleId: number;
let killOnNextQuery = false;

beforeAll(async () => {
  env = await startScopedDashboard(
    async (db: TestDatabase) => void (await arrangeSmallChain(db.admin)),
    () => {
      if (!killOnNextQuery) return;
      killOnNextQuery = false;
      // Chromium dies while its panel query is in flight.
      for (const pid of pool!.processIds()) process.kill(pid, 'SIGKILL');
    },
  );
  smtp = await startSmtpServer();
  mailer = createMailer({ smtpUrl: smtp.url, connections: 1, log: pino({ level: 'silent' }) });
  const input = {
    name: 'store-one',
    dashboardUid: 'experience',
    cron: '0 8 * * 1',
    timeZone: 'Asia/Shanghai',
    audience: { people: [VIEWERS.store.login] },
  };
  scheduleId = (await saveSchedule(env.distributor.db.admin, scheduleInputSchema.parse(input), 'api')).id;
});
afterEach(async () => pool?.close());
afterAll(async () => {
  mailer?.close();
  await smtp?.close();
  await env?.stop();
});

async function runOnce(grafanaUrl: string, attempts: number) {
  const metrics = createReportMetrics(new Registry());
  pool = chromiumPool(1, 10);
  const admin = env.distributor.db.admin;
  const deps = runDeps(
    admin,
    mailer,
    realRender(pool, metrics),
    testSettings({ GRAFANA_URL: grafanaUrl, REPORT_RENDER_ATTEMPTS: String(attempts) }),
  );
  const occurrence = await ledger.createOccurrence(admin, { scheduleId, fireTime: new Date(), kind: 'manual' });
  await fanOutOccurrence(deps, occurrence!.id);
  for (const [occurrenceId, key] of deps.groups) await runGroup(deps, occurrenceId, key);
  return { deliveries: await ledger.listDeliveries(admin, { occurrenceId: occurrence!.id }), metrics };
}

describe('render faults', () => {
  it('retries a render whose Chromium was killed mid-render, in a fresh browser', async () => {
    killOnNextQuery = true;
    const before = smtp.received.length;
    const { deliveries, metrics } = await runOnce(env.dashboard.url, 3);

    expect(deliveries.map((d) => d.state)).toEqual(['sent']);
    expect(smtp.received.length - before).toBe(1);
    const pdf = smtp.received.at(-1)!.parsed.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect((await pdfText(pdf.content)).text).toContain('S1: 3 responses');
    expect((await metrics.renders.get()).values.map((v) => [v.labels.result, v.value]).sort()).toEqual([
      ['error', 1],
      ['ok', 1],
    ]);
  });

  it('retries when Grafana cannot be reached, then fails the deliveries with the reason', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const before = smtp.received.length;
    const { deliveries, metrics } = await runOnce(`http://127.0.0.1:${closedPort}`, 2);

    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.state).toBe('failed');
    expect(deliveries[0]!.lastError).toMatch(
      new RegExp(
        `render failed after 2 attempts: Grafana at http://127.0.0.1:${closedPort} could not be reached: net::ERR_CONNECTION_REFUSED`,
      ),
    );
    expect(smtp.received.length).toBe(before);
    expect((await metrics.renders.get()).values).toEqual([
      expect.objectContaining({ labels: { result: 'error' }, value: 2 }),
    ]);
  });
});
