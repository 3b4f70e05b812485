import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';

import type { Config } from './config.js';
import { migrate } from './db/migrate.js';
import { seedDemoOnFirstStart } from './firstStart.js';
import { openDatabases, prepareQueryRoles, queryRolePassword, type Databases } from './db/pools.js';
import { createServer } from './http/server.js';
import { ViewerLimiter } from './http/viewerLimiter.js';
import { createIdentity, identityStartupWarnings } from './identity/index.js';
import { createReportPipeline, type ReportPipeline } from './reports/pipeline.js';
import { ScopedExecutor } from './query/executor.js';
import { PanelQueries } from './query/panelQueries.js';
import { ScopeCache } from './scope/scopeCache.js';
import { unmappedMessage } from './scope/unmapped.js';
import { scopeOf, type ScopeSource } from './scope/viewerScope.js';

export interface Distributor {
  app: FastifyInstance;
  databases: Databases;
  /** Address the HTTP server listens on, e.g. http://127.0.0.1:3100. */
  url: string;
  close(): Promise<void>;
}

export interface DistributorOptions {
  config: Config;
  log: Logger;
  databaseUrl: string;
  /** Used for Grafana's key set and API; tests pass their own. */
  fetch?: typeof fetch;
  /** Report tickets without the pipeline (tests): honoured for this service account. */
  tickets?: Pick<ScopeSource, 'verifyTicket' | 'reportServiceAccount'>;
  /** Load the demo chain into a database that has no org tree yet (the embedded first start). */
  seedDemo?: boolean;
  /** Runs the report pipeline in this process; its tickets are then the ones honoured. */
  reports?: Omit<Parameters<typeof createReportPipeline>[0], 'databases' | 'databaseUrl' | 'registry' | 'log'>;
}

/** Builds every part of the distributor, starts listening, and returns a handle to stop it. */
export async function startDistributor(options: DistributorOptions): Promise<Distributor> {
  const { config, log } = options;
  for (const warning of identityStartupWarnings(config)) log.warn(warning);

  await migrate(options.databaseUrl, log);
  if (options.seedDemo) await seedDemoOnFirstStart(options.databaseUrl, config, log);
  const password = queryRolePassword(options.databaseUrl, config.QUERY_ROLE_PASSWORD);
  const databases = openDatabases(options.databaseUrl, { password, queryPoolSize: config.QUERY_POOL_SIZE });
  try {
    await prepareQueryRoles(databases.admin, password, config.QUERY_POOL_SIZE * 4 + 10);
    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics });
    const reports = options.reports
      ? createReportPipeline({
          ...options.reports,
          databases,
          databaseUrl: options.databaseUrl,
          registry: metrics,
          log,
        })
      : undefined;
    const app = await buildServer(options, databases, metrics, reports);
    const address = await app.listen({ host: config.HOST, port: config.PORT });
    log.info({ address, reports: reports !== undefined }, 'distributor listening');
    await reports?.start();
    return {
      app,
      databases,
      url: address,
      close: async () => {
        await reports?.stop();
        await app.close();
        await databases.close();
      },
    };
  } catch (error) {
    await databases.close();
    throw error;
  }
}

async function buildServer(
  options: DistributorOptions,
  databases: Databases,
  metrics: Registry,
  reports: ReportPipeline | undefined,
): Promise<FastifyInstance> {
  const { config, log } = options;
  const scopeSecret = await readScopeSecret(databases);
  const executor = new ScopedExecutor({
    databases,
    scopeSecret,
    log,
    limits: {
      smallScopeUnits: config.QUERY_SMALL_SCOPE_UNITS,
      timeoutMs: config.QUERY_TIMEOUT_MS,
      maxRows: config.QUERY_MAX_ROWS,
      maxBytes: config.QUERY_MAX_BYTES,
    },
  });
  const source: ScopeSource = {
    admin: databases.admin,
    cache: new ScopeCache(config.SCOPE_CACHE_SECONDS * 1000),
    ...(reports?.tickets ?? options.tickets),
  };
  return createServer({
    config,
    log,
    databases,
    metrics,
    identity: createIdentity({ config, log, fetch: options.fetch }),
    scopeOf: (viewer, headers) => scopeOf(source, viewer, headers),
    unmappedMessage: (login) => unmappedMessage(databases.admin, login),
    plugins: reports ? [reports.routes] : [],
    panelQueries: new PanelQueries({
      executor,
      limiter: new ViewerLimiter(config.QUERY_MAX_CONCURRENT_PER_VIEWER),
      requestBudgetMs: config.QUERY_TIMEOUT_MS * 2,
      log,
    }),
  });
}

async function readScopeSecret(databases: Databases): Promise<Buffer> {
  const { rows } = await databases.admin.query<{ secret: Buffer }>('SELECT secret FROM orgscope.scope_key');
  if (!rows[0]) throw new Error('orgscope.scope_key is empty: the migrations did not complete');
  return rows[0].secret;
}
