import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

import type { Databases } from '../db/pools.js';
import { forbidden, OrgscopeError } from '../errors.js';
import { resolveScope } from '../scope/resolve.js';
import type { Scope } from '../scope/types.js';
import { ReportEngine } from './engine.js';
import { createScheduleLookups, grafanaDashboardCatalog } from './lookups.js';
import { createMailer } from './mail/mailer.js';
import { createReportMetrics } from './metrics.js';
import { loadScheduleFiles } from './provisioning.js';
import { BrowserPool } from './render/browserPool.js';
import { renderDashboard } from './render/renderer.js';
import { reportRoutes } from './routes.js';
import type { ReportSettings } from './settings.js';
import { verifyTicket } from './ticket.js';

/** Report schedules kept as files, loaded at every start. */
export const SCHEDULES_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../provisioning/reports',
);

export interface ReportPipeline {
  /** The admin API of schedules and deliveries, for the HTTP server. */
  routes: (app: FastifyInstance) => Promise<void>;
  /** What the query route needs to honour report tickets. */
  tickets: { reportServiceAccount?: string; verifyTicket: (token: string) => Scope };
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Builds the report pipeline of one distributor: browsers, mail pool, queue engine, admin routes.
 * Needs REPORT_TICKET_SECRET and GRAFANA_SERVICE_ACCOUNT_TOKEN; main.ts leaves reports off without them.
 */
export function createReportPipeline(deps: {
  settings: ReportSettings & { REPORT_TICKET_SECRET: string; GRAFANA_SERVICE_ACCOUNT_TOKEN: string };
  reportServiceAccount?: string;
  /** Folder of schedule files; defaults to provisioning/reports. */
  schedulesDir?: string;
  databases: Databases;
  databaseUrl: string;
  registry: Registry;
  log: Logger;
}): ReportPipeline {
  const { settings, databases, log } = deps;
  const admin = databases.admin;
  const ticketSecret = Buffer.from(settings.REPORT_TICKET_SECRET);
  const metrics = createReportMetrics(deps.registry);
  const browsers = new BrowserPool({
    executablePath: settings.REPORT_CHROMIUM_PATH,
    size: settings.REPORT_RENDER_CONCURRENCY,
    recycleAfter: settings.REPORT_BROWSER_RECYCLE_AFTER,
    log,
  });
  const mailer = createMailer({
    smtpUrl: settings.REPORT_SMTP_URL,
    connections: settings.REPORT_SMTP_CONNECTIONS,
    log,
  });
  const engine = new ReportEngine({
    admin,
    databaseUrl: deps.databaseUrl,
    log,
    settings,
    metrics,
    resolveScope: (who) => resolveScope(admin, who),
    mailer,
    render: (request) =>
      renderDashboard(request, {
        pool: browsers,
        log,
        metrics,
        serviceAccountToken: settings.GRAFANA_SERVICE_ACCOUNT_TOKEN,
        timeoutMs: settings.REPORT_RENDER_TIMEOUT_MS,
        waitCapMs: settings.REPORT_RENDER_WAIT_CAP_MS,
        viewportWidth: settings.REPORT_VIEWPORT_WIDTH,
      }),
    ticketSecret,
    clock: () => new Date(),
  });
  const lookups = createScheduleLookups(
    admin,
    grafanaDashboardCatalog({ grafanaUrl: settings.GRAFANA_URL, token: settings.GRAFANA_SERVICE_ACCOUNT_TOKEN }),
  );

  return {
    routes: reportRoutes({ admin, engine, lookups, requireAdmin: (request) => requireAdmin(admin, request) }),
    tickets: {
      reportServiceAccount: deps.reportServiceAccount,
      verifyTicket: (token) => verifyTicket(ticketSecret, token, new Date()).scope,
    },
    start: async () => {
      const dir = deps.schedulesDir ?? SCHEDULES_DIR;
      const count = await loadScheduleFiles(dir, { admin, lookups, log });
      log.info({ schedules: count, dir }, 'report schedules loaded from files');
      await engine.start();
    },
    stop: async () => {
      await engine.stop();
      await browsers.close();
      mailer.close();
    },
  };
}

/** Report schedules and deliveries are for people whose role can administer Orgscope. */
async function requireAdmin(
  admin: Databases['admin'],
  request: FastifyRequest,
): Promise<{ login: string; email?: string }> {
  const viewer = request.viewer;
  if (!viewer) throw new OrgscopeError('unauthenticated', 'The request carries no verified viewer.');
  const scope = await resolveScope(admin, viewer);
  if (!scope.permissions.admin) {
    throw forbidden('Only Orgscope admins (a role with the admin permission) manage report schedules and deliveries.');
  }
  return { login: viewer.login, email: viewer.email };
}
