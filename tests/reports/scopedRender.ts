import pino from 'pino';

import { verifyTicket } from '../../distributor/src/reports/ticket.js';
import type { ReportMetrics } from '../../distributor/src/reports/metrics.js';
import { BrowserPool } from '../../distributor/src/reports/render/browserPool.js';
import { renderDashboard, type RenderRequest } from '../../distributor/src/reports/render/renderer.js';
import { startDashboardStandIn, type DashboardStandIn } from '../support/dashboardStandIn.js';
import { startTestDistributor, type TestDistributor, type TestDistributorOptions } from '../support/distributor.js';
import { TICKET_SECRET } from './fixtures.js';

export const REPORT_ACCOUNT = { login: 'sa-reports', kind: 'service-account' as const, id: 9 };
/** How the distributor names a service account: its ID token carries no login, only `service-account:<id>`. */
export const REPORT_ACCOUNT_ID = `service-account:${REPORT_ACCOUNT.id}`;
export const SERVICE_ACCOUNT_TOKEN = 'glsa_report_renderer_token';

/**
 * The real distributor honouring tickets for the report service account, and the dashboard
 * stand-in for Grafana proxying panel queries to it as that account.
 */
export async function startScopedDashboard(
  arrange: TestDistributorOptions['arrange'],
  onQuery?: () => Promise<void> | void,
): Promise<{ distributor: TestDistributor; dashboard: DashboardStandIn; stop(): Promise<void> }> {
  const distributor = await startTestDistributor({
    arrange,
    env: { REPORT_SERVICE_ACCOUNT_LOGIN: REPORT_ACCOUNT_ID },
    tickets: {
      reportServiceAccount: REPORT_ACCOUNT_ID,
      verifyTicket: (token) => verifyTicket(TICKET_SECRET, token, new Date()).scope,
    },
  });
  const dashboard = await startDashboardStandIn({
    serviceAccountToken: SERVICE_ACCOUNT_TOKEN,
    onQuery,
    proxyQuery: async (ticket, body) => {
      const headers = {
        ...(await distributor.headersFor(REPORT_ACCOUNT)),
        'content-type': 'application/json',
        ...(ticket ? { 'x-orgscope-ticket': ticket } : {}),
      };
      const response = await fetch(`${distributor.url}/api/query`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
  });
  return { distributor, dashboard, stop: async () => (await dashboard.close(), await distributor.stop()) };
}

export function chromiumPool(size = 2, recycleAfter = 3): BrowserPool {
  return new BrowserPool({ executablePath: '/usr/bin/chromium', size, recycleAfter, log: pino({ level: 'silent' }) });
}

export function realRender(pool: BrowserPool, metrics: ReportMetrics, overrides: { timeoutMs?: number } = {}) {
  return (request: RenderRequest) =>
    renderDashboard(request, {
      pool,
      log: pino({ level: process.env.ORGSCOPE_TEST_LOG ?? 'silent' }),
      metrics,
      serviceAccountToken: SERVICE_ACCOUNT_TOKEN,
      timeoutMs: overrides.timeoutMs ?? 30_000,
      waitCapMs: 10_000,
      viewportWidth: 1600,
    });
}
