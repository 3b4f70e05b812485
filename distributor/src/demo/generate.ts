import type pg from 'pg';
import type { Logger } from 'pino';

import { badRequest, OrgscopeError } from '../errors.js';
import { auditCount, auditRows } from './audits.js';
import { copyRows, formatAudit, formatContact, formatOrder, formatResponse } from './copy.js';
import { orderRows } from './orders.js';
import { makePlan, type DemoPlan } from './plan.js';
import { Random } from './random.js';
import { loadDemoSettings, type DemoSettings } from './settings.js';
import * as sql from './sql.js';
import { surveyRows } from './surveys.js';

export interface DemoOptions {
  /** Seed of the random generator: the same seed, `now`, settings and stores give identical rows. */
  seed: number;
  /** Exact number of survey responses; audits and orders scale from it. */
  responses: number;
  /** End of the period (exclusive), cut to midnight UTC. Defaults to today, midnight UTC. */
  now?: Date;
  /** Delete the rows the fact tables hold first (in the same transaction). Without it, non-empty tables are refused. */
  replace?: boolean;
  /** The programme's shape; defaults to provisioning/demo/demo.yaml. */
  settings?: DemoSettings;
  signal?: AbortSignal;
  log: Logger;
}

/** What a run wrote. */
export interface DemoSummary {
  seed: number;
  from: Date;
  to: Date;
  stores: number;
  responses: number;
  contacts: number;
  audits: number;
  orders: number;
  durationMs: number;
}

// One stream of random numbers per part, so that each table's rows depend only on the seed and plan.
const STREAM = { stores: 0, surveys: 1, orders: 2, audits: 3 } as const;

/**
 * Fills the fact tables (schema cx) with a seeded customer-experience programme for the store units
 * in the database, in one transaction: all rows or none. Needs a superuser pool (the DATABASE_URL
 * user), because the fact tables are under forced row-level security.
 */
export async function generateDemoData(pool: pg.Pool, options: DemoOptions): Promise<DemoSummary> {
  checkOptions(options);
  const settings = options.settings ?? loadDemoSettings();
  const now = options.now ?? new Date();
  const log = options.log.child({ seed: options.seed, responses: options.responses });
  const started = performance.now();

  const client = await pool.connect();
  let summary: Omit<DemoSummary, 'durationMs'>;
  let failed = false;
  try {
    await assertCanBypassRls(client);
    await client.query('BEGIN');
    summary = await fillFacts(client, settings, now, { ...options, log });
    await timed(log, 'commit', () => client.query('COMMIT'));
  } catch (error) {
    failed = true;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    // A connection left mid-COPY (an abort, a broken stream) is closed rather than reused.
    client.release(failed);
  }
  await timed(log, 'analyze', () => pool.query(sql.ANALYZE_FACTS));

  const result = { ...summary, durationMs: Math.round(performance.now() - started) };
  // The child logger already names the seed and the size.
  const { stores, contacts, audits, orders, durationMs } = result;
  const period = { from: result.from.toISOString(), to: result.to.toISOString() };
  log.info({ stores, contacts, audits, orders, durationMs, ...period }, 'demo data generated');
  return result;
}

async function fillFacts(
  client: pg.PoolClient,
  settings: DemoSettings,
  now: Date,
  options: DemoOptions,
): Promise<Omit<DemoSummary, 'durationMs'>> {
  const { seed, responses, log, signal } = options;
  await client.query(sql.LOCK_FACTS);
  await assertEmptyOrReplace(client, options.replace === true);
  const { rows: units } = await client.query<{ id: number; code: string }>(sql.STORE_UNITS);
  if (units.length === 0) {
    throw badRequest('The org tree has no units of kind "store" to generate demo data for; load the org tree first');
  }
  await client.query(sql.TRUNCATE_FACTS);
  const indexes = await dropSecondaryIndexes(client);

  const plan = makePlan(settings, units, now, new Random(seed, STREAM.stores));
  const surveys = () => surveyRows(plan, responses, new Random(seed, STREAM.surveys));
  const written = await timed(log, 'survey_response', () =>
    copyRows(client, sql.COPY_RESPONSES, surveys(), formatResponse, signal),
  );
  // The same draws a second time, keeping only the contacts: no need to hold them in memory.
  const contacts = await timed(log, 'survey_contact', () =>
    copyRows(client, sql.COPY_CONTACTS, withContact(surveys()), formatContact, signal),
  );
  const audits = await timed(log, 'mystery_audit', () => copyAudits(client, plan, options));
  const orders = await timed(log, 'customer_order', () =>
    copyRows(
      client,
      sql.COPY_ORDERS,
      orderRows(plan, Math.round(responses * settings.orders.perResponse), new Random(seed, STREAM.orders)),
      formatOrder,
      signal,
    ),
  );
  await timed(log, 'indexes', () => rebuildIndexes(client, indexes));
  await advanceIdentities(client, {
    'cx.survey_response': written,
    'cx.mystery_audit': audits,
    'cx.customer_order': orders,
  });
  return { seed, from: plan.from, to: plan.to, stores: units.length, responses: written, contacts, audits, orders };
}

function copyAudits(client: pg.PoolClient, plan: DemoPlan, options: DemoOptions): Promise<number> {
  const rows = auditRows(plan, auditCount(plan, options.responses), new Random(options.seed, STREAM.audits));
  return copyRows(client, sql.COPY_AUDITS, rows, formatAudit, options.signal);
}

function* withContact<T extends { contact: unknown }>(rows: Iterable<T>): Generator<T> {
  for (const row of rows) if (row.contact !== null) yield row;
}

function checkOptions(options: DemoOptions): void {
  const { seed, responses, now } = options;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) {
    throw badRequest(`Demo seed must be a whole number from 0 to 2147483647, got ${seed}`);
  }
  if (!Number.isInteger(responses) || responses < 0 || responses > 50_000_000) {
    throw badRequest(`Demo size must be a whole number of responses from 0 to 50000000, got ${responses}`);
  }
  if (now !== undefined && Number.isNaN(now.getTime())) {
    throw badRequest('Demo end date is not a valid date; give an ISO date such as 2025-06-30');
  }
}

async function assertCanBypassRls(client: pg.PoolClient): Promise<void> {
  const { rows } = await client.query<{ bypass: boolean }>(sql.CAN_BYPASS_RLS);
  if (!rows[0]?.bypass) {
    throw new OrgscopeError(
      'forbidden',
      'Demo data is written to tables under row-level security: connect as a superuser (the DATABASE_URL user)',
    );
  }
}

async function assertEmptyOrReplace(client: pg.PoolClient, replace: boolean): Promise<void> {
  const { rows } = await client.query<Record<string, string>>(sql.FACT_ROWS);
  const held = Object.entries(rows[0]!).filter(([, count]) => count !== '0');
  if (held.length === 0 || replace) return;
  const list = held.map(([table, count]) => `cx.${table}: ${count}`).join(', ');
  throw badRequest(
    `The fact tables already hold rows (${list}); pass replace (--replace) to delete them and generate the demo anew`,
    { tables: Object.fromEntries(held) },
  );
}

/** Drops the fact tables' secondary indexes and returns their definitions, to build them again after the load. */
async function dropSecondaryIndexes(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(sql.SECONDARY_INDEXES, [sql.FACT_TABLES]);
  for (const index of rows) await client.query(sql.dropIndex(index.name));
  return rows.map((index) => index.definition);
}

async function rebuildIndexes(client: pg.PoolClient, definitions: readonly string[]): Promise<void> {
  await client.query(sql.INDEX_BUILD_MEMORY);
  for (const definition of definitions) await client.query(definition);
}

async function advanceIdentities(client: pg.PoolClient, written: Record<string, number>): Promise<void> {
  for (const table of sql.IDENTITY_TABLES) {
    await client.query(sql.ADVANCE_IDENTITY, [table, written[table] ?? 0]);
  }
}

async function timed<T>(log: Logger, step: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  log.debug({ step, ms: Math.round(performance.now() - started) }, 'demo step done');
  return result;
}
