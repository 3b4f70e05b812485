import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

/** Brings the database at `databaseUrl` to the newest schema. Safe to run on every start. */
export async function migrate(databaseUrl: string, log: Logger): Promise<void> {
  await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'schema_migration',
    migrationsSchema: 'public',
    checkOrder: true,
    singleTransaction: true,
    log: (message: string) => log.debug({ migration: message }, 'migration'),
    logger: {
      debug: (m: string) => log.debug(m),
      info: (m: string) => log.debug(m),
      warn: (m: string) => log.warn(m),
      error: (m: string) => log.error(m),
    },
  });
}
