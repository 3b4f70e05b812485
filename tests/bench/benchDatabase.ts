import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import pg from 'pg';
import pino from 'pino';

import { startEmbeddedPostgres } from '../../distributor/src/db/embedded.js';
import { migrate } from '../../distributor/src/db/migrate.js';
import { generateDemoData } from '../../distributor/src/demo/index.js';
import { DEMO_ORG_DIR } from '../../distributor/src/firstStart.js';
import { applyOrgFiles, loadOrgFiles } from '../../distributor/src/orgtree/index.js';

export interface BenchDatabase {
  url: string;
  stop(): Promise<void>;
}

const log = pino({ level: 'warn' });

/**
 * The demo chain with `responses` survey responses, on DATABASE_URL or on an embedded server kept in
 * .data/bench so that later runs skip the load. Loaded once per size and seed.
 */
export async function benchDatabase(responses: number, seed = 7): Promise<BenchDatabase> {
  let serverUrl = process.env.DATABASE_URL;
  let stop = async (): Promise<void> => undefined;
  if (!serverUrl) {
    const dataDir = path.resolve('.data/bench');
    await mkdir(dataDir, { recursive: true });
    const server = await startEmbeddedPostgres({ dataDir, port: 54377, password: 'orgscope-bench', log });
    serverUrl = server.url('postgres');
    stop = () => server.stop();
  }
  const name = `orgscope_bench_${responses}_${seed}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  if (!(await exists(serverUrl, name))) await load(serverUrl, url.toString(), name, responses, seed);
  return { url: url.toString(), stop };
}

async function exists(serverUrl: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

async function load(serverUrl: string, url: string, name: string, responses: number, seed: number): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}_loading`);
  await client.end();
  const loadingUrl = url.replace(`/${name}`, `/${name}_loading`);
  await migrate(loadingUrl, log);
  const pool = new pg.Pool({ connectionString: loadingUrl, max: 2 });
  try {
    await applyOrgFiles(pool, await loadOrgFiles(DEMO_ORG_DIR), log);
    const summary = await generateDemoData(pool, { seed, responses, log });
    console.log(
      `Loaded ${summary.responses} responses, ${summary.orders} orders, ${summary.audits} audits in ${(summary.durationMs / 1000).toFixed(1)} s`,
    );
    await pool.query('VACUUM ANALYZE');
  } finally {
    await pool.end();
  }
  // Renamed only when complete, so an interrupted load is never mistaken for a finished one.
  const rename = new pg.Client({ connectionString: serverUrl });
  await rename.connect();
  await rename.query(`ALTER DATABASE ${name}_loading RENAME TO ${name}`);
  await rename.end();
}
