import pg from 'pg';
import pino from 'pino';
import { Registry } from 'prom-client';

import { resolveScope } from '../../distributor/src/scope/resolve.js';
import type { Mailer } from '../../distributor/src/reports/mail/mailer.js';
import { createReportMetrics } from '../../distributor/src/reports/metrics.js';
import type { RenderRequest, RenderResult } from '../../distributor/src/reports/render/renderer.js';
import type { RunDeps } from '../../distributor/src/reports/run.js';
import { loadReportSettings, type ReportSettings } from '../../distributor/src/reports/settings.js';

export const TICKET_SECRET = Buffer.from('test-render-ticket-secret-0123456789abcdef');

/**
 * A chain of `stores` stores under one region, each with `managersPerStore` store managers who
 * receive reports. Codes: REGION, ST001…; logins m001-1…
 */
export async function arrangeStores(admin: pg.Pool, stores: number, managersPerStore: number): Promise<void> {
  await admin.query(
    `INSERT INTO orgscope.role (name, can_receive_reports) VALUES ('store_manager', true), ('viewer', false)`,
  );
  await admin.query(`INSERT INTO orgscope.org_unit (code, name, kind) VALUES ('HQ', 'Head office', 'head_office')`);
  await admin.query(
    `INSERT INTO orgscope.org_unit (code, name, kind, parent_id) SELECT 'REGION', 'Region East', 'region', id FROM orgscope.org_unit WHERE code = 'HQ'`,
  );
  await admin.query(
    `INSERT INTO orgscope.org_unit (code, name, kind, parent_id)
     SELECT 'ST' || lpad(g::text, 3, '0'), 'Store ' || g, 'store', (SELECT id FROM orgscope.org_unit WHERE code = 'REGION')
     FROM generate_series(1, $1) g`,
    [stores],
  );
  await admin.query('SELECT orgscope.refresh_paths()');
  await admin.query(
    `INSERT INTO orgscope.person (login, email, name)
     SELECT 'm' || lpad(s::text, 3, '0') || '-' || k, 'm' || lpad(s::text, 3, '0') || '-' || k || '@chain.example', 'Manager ' || s || '-' || k
     FROM generate_series(1, $1) s, generate_series(1, $2) k`,
    [stores, managersPerStore],
  );
  await admin.query(
    `INSERT INTO orgscope.mapping (person_id, unit_id, role_id)
     SELECT p.id, u.id, (SELECT id FROM orgscope.role WHERE name = 'store_manager')
     FROM orgscope.person p JOIN orgscope.org_unit u ON u.code = 'ST' || substr(p.login, 2, 3)`,
  );
}

export function testSettings(env: Record<string, string> = {}): ReportSettings {
  return loadReportSettings({
    REPORT_MAIL_BACKOFF_MS: '5',
    REPORT_RENDER_BACKOFF_MS: '5',
    REPORT_SMTP_CONNECTIONS: '4',
    REPORT_FROM: 'reports@orgscope.test',
    REPORT_TICKET_SECRET: TICKET_SECRET.toString(),
    ...env,
  });
}

/**
 * A render that stands in for Chromium where a test is about mail and the ledger, not pictures. Its
 * PDF is a megabyte, so a connection cut by the server is cut while the data is still going out.
 */
export function renderStandIn(): { render(request: RenderRequest): Promise<RenderResult>; requests: RenderRequest[] } {
  const requests: RenderRequest[] = [];
  return {
    requests,
    render: async (request) => {
      requests.push(request);
      return {
        png: Buffer.from('89504e470d0a1a0a', 'hex'),
        pdf: Buffer.concat([Buffer.from('%PDF-1.4 stand-in\n'), Buffer.alloc(1024 * 1024, 'x')]),
        settled: true,
      };
    },
  };
}

export function runDeps(
  admin: pg.Pool,
  mailer: Mailer,
  render: RunDeps['render'],
  settings = testSettings(),
): RunDeps & { groups: [string, string][] } {
  const groups: [string, string][] = [];
  return {
    admin,
    log: pino({ level: process.env.ORGSCOPE_TEST_LOG ?? 'silent' }),
    settings,
    metrics: createReportMetrics(new Registry()),
    resolveScope: (who) => resolveScope(admin, who),
    mailer,
    render,
    ticketSecret: TICKET_SECRET,
    clock: () => new Date(),
    enqueueGroup: async (occurrenceId, key) => void groups.push([occurrenceId, key]),
    pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    groups,
  };
}

/** Resolves when `check` holds, looking every 100 ms; fails with `what` after `ms`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function occurrenceDone(admin: pg.Pool, id: string): Promise<boolean> {
  const { rows } = await admin.query<{ state: string }>('SELECT state FROM orgscope_report.occurrence WHERE id = $1', [
    id,
  ]);
  return rows[0]?.state === 'done';
}
