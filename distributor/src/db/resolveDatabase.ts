import path from 'node:path';

import pg from 'pg';
import type { Logger } from 'pino';

import type { Config } from '../config.js';
import { safeUrl } from '../logger.js';
import { startEmbeddedPostgres } from './embedded.js';

const EMBEDDED_DATABASE = 'orgscope';

/** DATABASE_URL when given; otherwise an embedded PostgreSQL kept under DATA_DIR/pg. */
export async function resolveDatabase(config: Config, log: Logger): Promise<{ url: string; stop(): Promise<void> }> {
  if (config.DATABASE_URL) {
    log.info({ database: safeUrl(config.DATABASE_URL) }, 'using PostgreSQL from DATABASE_URL');
    return { url: config.DATABASE_URL, stop: async () => undefined };
  }
  const dataDir = path.resolve(config.DATA_DIR);
  log.info({ dataDir, port: config.EMBEDDED_PG_PORT }, 'starting embedded PostgreSQL');
  const server = await startEmbeddedPostgres({
    dataDir,
    port: config.EMBEDDED_PG_PORT,
    password: config.QUERY_ROLE_PASSWORD ?? 'orgscope-embedded',
    log,
  });
  await createIfMissing(server.url('postgres'), EMBEDDED_DATABASE);
  return { url: server.url(EMBEDDED_DATABASE), stop: () => server.stop() };
}

async function createIfMissing(serverUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
