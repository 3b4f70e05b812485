import type { Logger } from 'pino';

import { startDistributor, type DistributorOptions } from './app.js';
import { loadConfig, type Config } from './config.js';
import { resolveDatabase } from './db/resolveDatabase.js';
import { OrgscopeError } from './errors.js';
import { createLogger } from './logger.js';
import { loadReportSettings } from './reports/settings.js';
import { ensureRouteKey } from './routeKeyFile.js';

// Builds the parts and starts them; nothing else lives here.
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.LOG_LEVEL });

  const database = await resolveDatabase(config, log);
  const routed = await ensureRouteKey(config, log);
  const reports = reportsOf(config, log);
  const distributor = await startDistributor({
    config: routed,
    log,
    databaseUrl: database.url,
    seedDemo: config.LOAD_DEMO ?? config.DATABASE_URL === undefined,
    reports,
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await distributor.close();
    await database.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** The report pipeline runs when it can: it needs a ticket key and a Grafana service account token. */
function reportsOf(config: Config, log: Logger): DistributorOptions['reports'] {
  const settings = loadReportSettings();
  const { REPORT_TICKET_SECRET: secret, GRAFANA_SERVICE_ACCOUNT_TOKEN: token } = settings;
  if (!secret || !token) {
    log.warn('Scheduled reports are off: set REPORT_TICKET_SECRET and GRAFANA_SERVICE_ACCOUNT_TOKEN to turn them on');
    return undefined;
  }
  if (!config.REPORT_SERVICE_ACCOUNT_LOGIN) {
    log.warn('REPORT_SERVICE_ACCOUNT_LOGIN is not set: report renders will see no rows');
  }
  return {
    settings: { ...settings, REPORT_TICKET_SECRET: secret, GRAFANA_SERVICE_ACCOUNT_TOKEN: token },
    reportServiceAccount: config.REPORT_SERVICE_ACCOUNT_LOGIN,
  };
}

main().catch((error: unknown) => {
  // A bad setting is a person's to fix: say which, without a stack trace.
  const message =
    error instanceof OrgscopeError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`orgscope-distributor did not start: ${message}\n`);
  process.exit(1);
});
