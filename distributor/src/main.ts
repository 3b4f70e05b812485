import { startDistributor } from './app.js';
import { loadConfig } from './config.js';
import { migrate } from './db/migrate.js';
import { resolveDatabase } from './db/resolveDatabase.js';
import { OrgscopeError } from './errors.js';
import { seedDemoOnFirstStart } from './firstStart.js';
import { createLogger } from './logger.js';
import { ensureRouteKey } from './routeKeyFile.js';

// Builds the parts and starts them; nothing else lives here.
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.LOG_LEVEL });

  const database = await resolveDatabase(config, log);
  const routed = await ensureRouteKey(config, log);
  await migrate(database.url, log);
  await seedDemoOnFirstStart(database.url, routed, log);
  const distributor = await startDistributor({ config: routed, log, databaseUrl: database.url });

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
