import { parseArgs } from 'node:util';

import pg from 'pg';
import pino from 'pino';

import { loadConfig } from '../config.js';
import { migrate } from '../db/migrate.js';
import { createLogger } from '../logger.js';
import type { CommandIo } from '../orgtree/command.js';
import { generateDemoData } from './generate.js';
import { loadDemoSettings } from './settings.js';

export const GENERATE_DEMO_USAGE = `generate-demo [--responses N] [--seed S] [--replace]
    Fills the fact tables of DATABASE_URL with a seeded demo programme for the stores in its org tree
    (defaults from provisioning/demo/demo.yaml). --replace deletes the facts already there first.`;

export async function generateDemoCommand(args: string[], io: CommandIo): Promise<number> {
  let options: { responses: number; seed: number; replace: boolean };
  try {
    const { values } = parseArgs({
      args,
      options: {
        responses: { type: 'string' },
        seed: { type: 'string' },
        replace: { type: 'boolean', default: false },
      },
    });
    const defaults = loadDemoSettings();
    options = {
      responses: values.responses === undefined ? defaults.responses : wholeNumber('--responses', values.responses),
      seed: values.seed === undefined ? defaults.seed : wholeNumber('--seed', values.seed),
      replace: values.replace,
    };
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\nusage: orgscope ${GENERATE_DEMO_USAGE}`);
    return 1;
  }
  const databaseUrl = loadConfig(io.env).DATABASE_URL;
  if (!databaseUrl) {
    io.err('DATABASE_URL is not set: set it to a superuser connection string of the Orgscope database');
    return 1;
  }
  const log = createLogger({ level: io.env.LOG_LEVEL ?? 'warn', destination: pino.destination(2) });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: 'orgscope-generate-demo' });
  try {
    await migrate(databaseUrl, log);
    const summary = await generateDemoData(pool, { ...options, log });
    io.out(
      `Generated ${summary.responses} responses (${summary.contacts} with contacts), ${summary.audits} audits ` +
        `and ${summary.orders} orders for ${summary.stores} stores in ${(summary.durationMs / 1000).toFixed(1)} s`,
    );
    return 0;
  } catch (error) {
    io.err(`generate-demo failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await pool.end();
  }
}

function wholeNumber(flag: string, value: string | undefined): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new Error(`${flag} must be a whole number, got "${value}"`);
  return parsed;
}
