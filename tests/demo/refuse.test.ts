import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import pino from 'pino';

import { generateDemoData, loadDemoSettings, parseDemoSettings } from '../../distributor/src/demo/index.js';
import { OrgscopeError } from '../../distributor/src/errors.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { factDigests, insertSmallChain, STORE_CODES } from './tree.js';

const log = pino({ level: 'silent' });
const now = new Date('2025-03-15T00:00:00Z');

describe('loading demo data into a database that has some', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('refuses a tree without stores, saying what to load', async () => {
    const attempt = generateDemoData(db.admin, { seed: 1, responses: 100, now, log });
    await expect(attempt).rejects.toThrow(/no units of kind "store".*load the org tree first/);
  });

  it('refuses non-empty fact tables without replace, and leaves them as they were', async () => {
    await insertSmallChain(db.admin);
    await generateDemoData(db.admin, { seed: 1, responses: 500, now, log });
    const before = await factDigests(db.admin);

    const attempt = generateDemoData(db.admin, { seed: 2, responses: 800, now, log });
    await expect(attempt).rejects.toThrow(OrgscopeError);
    await expect(attempt).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/already hold rows \(cx\.survey_response: 500, .*\); pass replace/),
    });
    expect(await factDigests(db.admin)).toEqual(before);
  });

  it('with replace, deletes the old rows and generates the same rows as a first load', async () => {
    const first = await factDigests(db.admin);
    const replaced = await generateDemoData(db.admin, { seed: 2, responses: 800, now, log, replace: true });
    expect(replaced.responses).toBe(800);
    expect(await factDigests(db.admin)).not.toEqual(first);

    await generateDemoData(db.admin, { seed: 1, responses: 500, now, log, replace: true });
    expect(await factDigests(db.admin)).toEqual(first);
  });

  it('keeps the old rows when a replacing load is aborted', async () => {
    const before = await factDigests(db.admin);
    const controller = new AbortController();
    controller.abort();
    const attempt = generateDemoData(db.admin, {
      seed: 9,
      responses: 900,
      now,
      log,
      replace: true,
      signal: controller.signal,
    });
    await expect(attempt).rejects.toMatchObject({ name: 'AbortError' });
    expect(await factDigests(db.admin)).toEqual(before);
  });

  it('leaves every index of the fact tables in place', async () => {
    const { rows } = await db.admin.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'cx' ORDER BY indexname`,
    );
    expect(rows.map((r) => r.indexname)).toEqual([
      'customer_order_pkey',
      'customer_order_time',
      'customer_order_unit_time',
      'mystery_audit_pkey',
      'mystery_audit_time',
      'mystery_audit_unit_time',
      'survey_contact_pkey',
      'survey_response_pkey',
      'survey_response_time',
      'survey_response_unit_time',
    ]);
  });

  it('refuses a database user that row-level security applies to', async () => {
    const role = `demo_writer_${randomBytes(4).toString('hex')}`;
    await db.admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'demo-writer-password'`);
    const url = new URL(db.url);
    url.username = role;
    url.password = 'demo-writer-password';
    const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    try {
      const attempt = generateDemoData(pool, { seed: 1, responses: 10, now, log, replace: true });
      await expect(attempt).rejects.toThrow(/connect as a superuser/);
    } finally {
      await pool.end();
      await db.admin.query(`DROP ROLE ${role}`);
    }
  });

  it('names a bad seed or size', async () => {
    await expect(generateDemoData(db.admin, { seed: -1, responses: 10, now, log })).rejects.toThrow(/seed .* got -1/);
    await expect(generateDemoData(db.admin, { seed: 1, responses: 2.5, now, log })).rejects.toThrow(/size .* got 2\.5/);
  });
});

describe('mystery-shopper audits', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await insertSmallChain(db.admin);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('visit every store about once a week at the demo size', async () => {
    const settings = parseDemoSettings({ ...loadDemoSettings(), responses: 600 });
    await generateDemoData(db.admin, { seed: 3, responses: 600, now, log, settings });
    const { rows } = await db.admin.query<{ code: string; audits: number; longest_gap_days: number }>(
      `SELECT u.code, count(*)::int AS audits,
              extract(epoch FROM max(gap)) / 86400 AS longest_gap_days
       FROM (SELECT unit_id, audited_at - lag(audited_at) OVER (PARTITION BY unit_id ORDER BY audited_at) AS gap
             FROM cx.mystery_audit) a
       JOIN orgscope.org_unit u ON u.id = a.unit_id GROUP BY u.code ORDER BY u.code`,
    );
    expect(rows.map((r) => r.code)).toEqual([...STORE_CODES].sort());
    const weeks = (13 * 30.4) / 7;
    for (const store of rows) {
      expect(store.audits / weeks).toBeGreaterThan(0.9);
      expect(store.audits / weeks).toBeLessThan(1.1);
      expect(Number(store.longest_gap_days)).toBeLessThan(13);
    }
  });
});
