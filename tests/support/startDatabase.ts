import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';
import pino from 'pino';

import { startEmbeddedPostgres, type EmbeddedServer } from '../../distributor/src/db/embedded.js';
import { migrate } from '../../distributor/src/db/migrate.js';
import { TEMPLATE_DATABASE } from './database.js';

declare global {
  var orgscopeEmbedded: EmbeddedServer | undefined;
}

/**
 * Starts one PostgreSQL for the whole test run (embedded, or the server of DATABASE_URL) and migrates a
 * template database that each test file copies.
 */
export async function startDatabase(): Promise<void> {
  const log = pino({ level: 'warn' });
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orgscope-test-pg-'));
    const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), password: 'orgscope-test', log });
    globalThis.orgscopeEmbedded = server;
    serverUrl = server.url('postgres');
  }
  process.env.ORGSCOPE_TEST_SERVER_URL = serverUrl;

  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const templateUrl = new URL(serverUrl);
  templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
  await migrate(templateUrl.toString(), log);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
