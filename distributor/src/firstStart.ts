import path from 'node:path';
import { fileURLToPath } from 'node:url';

import pg from 'pg';
import type { Logger } from 'pino';

import type { Config } from './config.js';
import { generateDemoData, loadDemoSettings } from './demo/index.js';
import { applyOrgFiles, loadOrgFiles } from './orgtree/index.js';

/** The demo chain's org tree and mappings, kept as an admin would keep their own. */
export const DEMO_ORG_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../provisioning/orgtree');

/**
 * On a database with no org tree yet, loads the demo chain (org files, then DEMO_SIZE seeded survey
 * responses with their audits and orders), so that a first `npm start` shows a working product.
 * A database that already has units is left alone. DEMO_SIZE=0 loads the tree only.
 */
export async function seedDemoOnFirstStart(databaseUrl: string, config: Config, log: Logger): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const { rows } = await pool.query<{ units: number }>('SELECT count(*)::int AS units FROM orgscope.org_unit');
    if (rows[0]!.units > 0) return;
    const settings = loadDemoSettings();
    const responses = config.DEMO_SIZE ?? settings.responses;
    log.info({ dir: DEMO_ORG_DIR, responses }, 'empty database: loading the demo chain');
    await applyOrgFiles(pool, await loadOrgFiles(DEMO_ORG_DIR), log);
    if (responses > 0) {
      const summary = await generateDemoData(pool, {
        seed: config.DEMO_SEED ?? settings.seed,
        responses,
        settings,
        log,
      });
      log.info({ ...summary }, 'demo data loaded');
    }
  } finally {
    await pool.end();
  }
}
