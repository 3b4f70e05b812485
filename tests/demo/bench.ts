// Measures the demo generator at benchmark size on a fresh embedded PostgreSQL (or DATABASE_URL's
// server): a chain of 300 stores, then the given number of responses (default one million).
//   node --import tsx tests/demo/bench.ts [responses]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';
import pino from 'pino';

import { startEmbeddedPostgres } from '../../distributor/src/db/embedded.js';
import { migrate } from '../../distributor/src/db/migrate.js';
import { generateDemoData } from '../../distributor/src/demo/index.js';

const responses = Number(process.argv[2] ?? 1_000_000);
const log = pino({ level: 'debug' });

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orgscope-demo-bench-'));
const server = process.env.DATABASE_URL
  ? undefined
  : await startEmbeddedPostgres({
      dataDir,
      port: 20000 + (process.pid % 20000),
      password: 'orgscope-bench',
      log: pino({ level: 'warn' }),
    });
const database = `orgscope_demo_bench_${process.pid}`;
const serverUrl = process.env.DATABASE_URL ?? server!.url('postgres');
const url = new URL(serverUrl);
url.pathname = `/${database}`;

const setup = new pg.Client({ connectionString: serverUrl });
await setup.connect();
await setup.query(`CREATE DATABASE ${database}`);
await setup.end();

const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
try {
  await migrate(url.toString(), log);
  await insertChain(pool, 6, 50);
  const started = performance.now();
  const summary = await generateDemoData(pool, { seed: 42, responses, log });
  const seconds = (performance.now() - started) / 1000;
  console.log(`${responses} responses, ${summary.orders} orders, ${summary.audits} audits: ${seconds.toFixed(1)} s`);
} finally {
  await pool.end();
  const cleanup = new pg.Client({ connectionString: serverUrl });
  await cleanup.connect();
  await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await cleanup.end();
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
}

async function insertChain(admin: pg.Pool, regions: number, storesPerRegion: number): Promise<void> {
  await admin.query(`INSERT INTO orgscope.org_unit (code, name, kind) VALUES ('HQ', 'Head office', 'head_office')`);
  await admin.query(
    `INSERT INTO orgscope.org_unit (code, name, kind, parent_id)
     SELECT 'R' || r, 'Region ' || r, 'region', (SELECT id FROM orgscope.org_unit WHERE code = 'HQ')
     FROM generate_series(1, $1::int) r`,
    [regions],
  );
  await admin.query(
    `INSERT INTO orgscope.org_unit (code, name, kind, parent_id)
     SELECT 'S' || lpad((r * 1000 + s)::text, 5, '0'), 'Store ' || r || '-' || s, 'store',
            (SELECT id FROM orgscope.org_unit WHERE code = 'R' || r)
     FROM generate_series(1, $1::int) r, generate_series(1, $2::int) s`,
    [regions, storesPerRegion],
  );
  await admin.query('SELECT orgscope.refresh_paths()');
}
