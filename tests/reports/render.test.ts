import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
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
import { arrangeSmallChain, RESPONSES, UNITS, VIEWERS } from '../support/smallChain.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtpServer.js';
import { runDeps, testSettings } from './fixtures.js';
import { pdfText } from './pdfText.js';
import { chromiumPool, realRender, startScopedDashboard } from './scopedRender.js';

jest.setTimeout(180_000);

let env: Awaited<ReturnType<typeof startScopedDashboard>>;
let smtp: TestSmtpServer;
let mailer: Mailer;
let pool: BrowserPool;
const registry = new Registry();
const metrics = createReportMetrics(registry);
let deliveries: ledger.Delivery[];

/** Region East's audience: everyone mapped under EAST who may receive reports. */
const RECIPIENTS = [VIEWERS.region, VIEWERS.area, VIEWERS.store, VIEWERS.multiUnit];

beforeAll(async () => {
  env = await startScopedDashboard(async (db: TestDatabase) => void (await arrangeSmallChain(db.admin)));
  smtp = await startSmtpServer();
  mailer = createMailer({ smtpUrl: smtp.url, connections: 2, log: pino({ level: 'silent' }) });
  pool = chromiumPool();
  const admin = env.distributor.db.admin;
  const schedule = await saveSchedule(
    admin,
    scheduleInputSchema.parse({
      name: 'east-weekly',
      title: 'Experience overview',
      dashboardUid: 'experience',
      cron: '0 8 * * 1',
      timeZone: 'Asia/Shanghai',
      variables: { channel: ['store', 'meituan'] },
      audience: { units: ['EAST'] },
    }),
    'api',
  );
  const deps = runDeps(admin, mailer, realRender(pool, metrics), testSettings({ GRAFANA_URL: env.dashboard.url }));
  deps.metrics = metrics;
  const occurrence = await ledger.createOccurrence(admin, {
    scheduleId: schedule.id,
    fireTime: new Date(),
    kind: 'manual',
  });
  await fanOutOccurrence(deps, occurrence!.id);
  for (const [occurrenceId, key] of deps.groups) await runGroup(deps, occurrenceId, key);
  deliveries = await ledger.listDeliveries(admin, { occurrenceId: occurrence!.id });
});

afterAll(async () => {
  await pool?.close();
  mailer?.close();
  await smtp?.close();
  await env?.stop();
});

describe('scoped report render with Chromium', () => {
  it('emails each recipient under region East, once, and nobody else', () => {
    expect(deliveries.map((d) => [d.login, d.state]).sort()).toEqual(RECIPIENTS.map((v) => [v.login, 'sent']).sort());
    expect(smtp.received.map((m) => m.envelopeTo[0]).sort()).toEqual(
      RECIPIENTS.map((v) => `${v.login}@chain.example`).sort(),
    );
  });

  it('renders once per distinct scope, with the ticket on every panel query', () => {
    const pages = env.dashboard.requests.filter((r) => r.path.startsWith('/d/'));
    const queries = env.dashboard.requests.filter((r) => r.path === '/api/ds/query');
    expect(pages).toHaveLength(4);
    expect(queries).toHaveLength(4);
    expect(queries.every((q) => q.ticket && q.authorization === 'Bearer glsa_report_renderer_token')).toBe(true);
    expect(new Set(queries.map((q) => q.ticket)).size).toBe(4);
  });

  for (const viewer of RECIPIENTS) {
    it(`shows ${viewer.login} exactly the figures of their scope in the PDF`, async () => {
      const mail = smtp.received.find((m) => m.envelopeTo[0] === `${viewer.login}@chain.example`)!;
      const pdf = mail.parsed.attachments.find((a) => a.contentType === 'application/pdf')!;
      const { text, width, height } = await pdfText(pdf.content);
      if (process.env.ORGSCOPE_TEST_PEEK) {
        const { writeFileSync } = await import('node:fs');
        writeFileSync(`/tmp/peek-${viewer.login}.pdf`, pdf.content);
        writeFileSync(
          `/tmp/peek-${viewer.login}.png`,
          mail.parsed.attachments.find((a) => a.contentType === 'image/png')!.content,
        );
        console.log(viewer.login, JSON.stringify(text));
      }

      expect(width).toBeGreaterThan(height); // A4 landscape
      const shown = [...text.matchAll(/([A-Z0-9-]+): (\d+) responses/g)].map((m) => [m[1], Number(m[2])]);
      const expected = (viewer.sees as readonly string[])
        .filter((code) => code in RESPONSES)
        .map((code) => [code, RESPONSES[code as keyof typeof RESPONSES]]);
      expect(shown.sort()).toEqual(expected.sort());
      // The right edge of the wide table made it onto the page.
      for (const [code] of expected) expect(text).toContain(`right edge ${code}`);
      const others = UNITS.map((u) => u.code).filter((code) => !(viewer.sees as readonly string[]).includes(code));
      for (const code of others) expect(text).not.toMatch(new RegExp(`\\b${code}:`));
    });
  }

  it('puts the PNG of the whole dashboard inline and links the live dashboard', () => {
    const mail = smtp.received.find((m) => m.envelopeTo[0] === `${VIEWERS.store.login}@chain.example`)!;
    const png = mail.parsed.attachments.find((a) => a.contentType === 'image/png')!;
    expect(png.related).toBe(true);
    expect(png.content.subarray(1, 4).toString()).toBe('PNG');
    // The table is 2400 px wide, wider than the 1600 px viewport: the whole page is captured.
    expect(png.content.readUInt32BE(16)).toBeGreaterThanOrEqual(2400);
    expect(mail.parsed.html).toMatch(
      /\/d\/experience\?orgId=1&#38;from=now-7d&#38;to=now.*var-channel=store&#38;var-channel=meituan/,
    );
  });

  it('times each render step in the metrics', async () => {
    const text = await registry.metrics();
    for (const step of ['navigate', 'wait', 'capture_png', 'capture_pdf', 'total']) {
      expect(text).toMatch(new RegExp(`orgscope_report_render_step_seconds_count\\{step="${step}"\\} 4`));
    }
    expect(text).toContain('orgscope_report_renders_total{result="ok"} 4');
  });
});
