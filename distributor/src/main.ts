import { startDistributor } from './app.js';
import { loadConfig } from './config.js';
import { migrate } from './db/migrate.js';
import { resolveDatabase } from './db/resolveDatabase.js';
import { createLogger } from './logger.js';
import { ensureRouteKey } from './routeKeyFile.js';
import { seedDemoOnFirstStart } from './firstStart.js';

// Builds the parts and starts them; nothing else lives here.
const config = loadConfig();
const log = createLogger({ level: config.LOG_LEVEL });

const database = await resolveDatabase(config, log);
const routed = await ensureRouteKey(config, log);
await migrate(database.url, log);
await seedDemoOnFirstStart(database.url, routed, log);
const distributor = await startDistributor({ config: routed, log, databaseUrl: database.url });

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  await distributor.close();
  await database.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
