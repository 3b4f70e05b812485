import { createHmac } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { rowsOf, tableQuery } from '../support/frames.js';
import { startTestDistributor, type TestDistributor } from '../support/distributor.js';
import { RESPONSES, VIEWERS, arrangeSmallChain, type UnitCode } from '../support/smallChain.js';

// A store manager of S1 tries every way we know to see more than store S1, or to get in others' way.
const attacker = VIEWERS.store.login;
const OWN_RESPONSES = RESPONSES.S1!;
const ALL_RESPONSES = Object.values(RESPONSES).reduce((a, b) => a + b, 0);
const TIMEOUT_MS = 1500;

describe('attacks on the scope by SQL: each fails or stays inside the scope', () => {
  let t: TestDistributor;
  let ids: Record<UnitCode, number>;

  beforeAll(async () => {
    t = await startTestDistributor({
      env: { QUERY_TIMEOUT_MS: String(TIMEOUT_MS), QUERY_POOL_SIZE: '1' },
      arrange: async (db) => void (ids = await arrangeSmallChain(db.admin)),
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** Runs SQL as the attacker; returns the rows, or the error text when the query failed. */
  const attempt = async (sql: string): Promise<{ rows?: Record<string, unknown>[]; error?: string }> => {
    const answer = await t.query(attacker, tableQuery(sql));
    const result = answer.body.results?.A;
    if (result?.error) return { error: result.error as string };
    return { rows: rowsOf(answer.body) };
  };
  const expectRefused = async (sql: string, reason: RegExp) => {
    const outcome = await attempt(sql);
    expect(outcome.error).toMatch(reason);
  };
  const ownCount = async () => (await attempt('SELECT count(*) AS n FROM survey_responses')).rows?.[0]?.n;

  it('cannot forge a scope with set_config', async () => {
    await expectRefused(
      "SELECT set_config('orgscope.scope', 'eyJhbGwiOnRydWV9.00', true), (SELECT count(*) FROM survey_responses) AS n",
      /scope token is not valid|no viewer scope/,
    );
    expect(await ownCount()).toBe(OWN_RESPONSES);
  });

  it('cannot widen its own signed token (units changed, signature kept)', async () => {
    const { rows } = await attempt("SELECT current_setting('orgscope.scope') AS token");
    const [payload, signature] = String(rows![0]!.token).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64').toString());
    const widened = Buffer.from(JSON.stringify({ ...claims, all: true, units: Object.values(ids) })).toString('base64');
    await expectRefused(
      `SELECT set_config('orgscope.scope', '${widened}.${signature}', true), (SELECT count(*) FROM survey_responses) AS n`,
      /scope token is not valid/,
    );
  });

  it('gains nothing by replaying its own earlier token', async () => {
    const { rows } = await attempt("SELECT current_setting('orgscope.scope') AS token");
    const outcome = await attempt(
      `SELECT set_config('orgscope.scope', '${String(rows![0]!.token)}', true) AS s, (SELECT count(*) FROM survey_responses) AS n`,
    );
    expect(outcome.rows![0]!.n).toBe(OWN_RESPONSES);
  });

  it('cannot use a validly signed token of another connection or past its expiry', async () => {
    // Tokens the distributor could have signed for somebody else: the database must still refuse them.
    const { rows } = await t.db.admin.query<{ secret: Buffer }>('SELECT secret FROM orgscope.scope_key');
    const sign = (claims: object) => {
      const payload = Buffer.from(JSON.stringify({ all: true, units: [], contacts: true, ...claims })).toString(
        'base64',
      );
      return `${payload}.${createHmac('sha256', rows[0]!.secret).update(payload).digest('hex')}`;
    };
    const install = (token: string) =>
      attempt(
        `SELECT set_config('orgscope.scope', '${token}', true) AS s, (SELECT count(*) FROM survey_response) AS n`,
      );
    const pid = (await attempt('SELECT pg_backend_pid() AS pid')).rows![0]!.pid as number;
    const other = await install(sign({ pid: pid + 1, exp: Date.now() + 60_000 }));
    const expired = await install(sign({ pid, exp: Date.now() - 1000 }));
    for (const outcome of [other, expired]) {
      if (outcome.error) expect(outcome.error).toMatch(/another connection|expired/);
      else expect(outcome.rows![0]!.n).toBe(OWN_RESPONSES);
    }
  });

  it('cannot switch role or session authorization, by statement or by set_config', async () => {
    await expectRefused('SET ROLE postgres', /Only one read statement/);
    await expectRefused('RESET ROLE', /Only one read statement/);
    await expectRefused('SET SESSION AUTHORIZATION postgres', /Only one read statement/);
    await expectRefused("SELECT set_config('role', 'postgres', true)", /permission denied|must be member/);
    await expectRefused("SELECT set_config('role', 'orgscope_query_all', true)", /permission denied|must be member/);
    await expectRefused("SELECT set_config('session_authorization', 'postgres', true)", /permission denied/);
  });

  it('cannot leave the read-only transaction or write anything', async () => {
    await expectRefused("SELECT set_config('transaction_read_only', 'off', true)", /read-write|read-only/);
    // Refused twice over: the statement runs nested under the row limit, and the transaction is read-only.
    await expectRefused(
      'WITH gone AS (DELETE FROM survey_response RETURNING 1) SELECT count(*) FROM gone',
      /read-only|top level/,
    );
    await expectRefused(
      "WITH x AS (UPDATE survey_contact SET customer_name = 'x' RETURNING 1) SELECT 1",
      /read-only|top level/,
    );
    await expectRefused('SELECT * INTO TEMP stolen FROM survey_response', /read-only|INTO is not allowed/);
    await expectRefused('CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$', /Only one read statement/);
    await expectRefused('CREATE TEMP TABLE t (x int)', /Only one read statement/);
    const { rows } = await t.db.admin.query('SELECT count(*)::int AS n FROM cx.survey_response');
    expect(rows[0].n).toBe(ALL_RESPONSES);
  });

  it('cannot run several statements, DO blocks, COPY or EXPLAIN', async () => {
    await expectRefused('SELECT 1; SELECT count(*) FROM orgscope.mapping', /one statement/);
    await expectRefused('SELECT 1 AS a; RESET ROLE', /one statement/);
    await expectRefused("DO $$ BEGIN PERFORM set_config('role', 'postgres', false); END $$", /Only one read statement/);
    await expectRefused('COPY survey_response TO STDOUT', /Only one read statement/);
    await expectRefused('EXPLAIN ANALYZE SELECT * FROM survey_response', /Only one read statement/);
    await expectRefused('/* hidden */ (EXPLAIN (ANALYZE) SELECT 1)', /Only one read statement|syntax error/);
  });

  it('cannot read the mapping, key or migration tables', async () => {
    for (const table of [
      'orgscope.mapping',
      'orgscope.person',
      'orgscope.role',
      'orgscope.team',
      'orgscope.scope_key',
      'public.schema_migration',
    ]) {
      await expectRefused(`SELECT * FROM ${table}`, /permission denied/);
    }
    // The org tree itself is readable only inside the scope.
    expect((await attempt('SELECT code FROM orgscope.org_unit')).rows).toEqual([{ code: 'S1' }]);
  });

  it('cannot learn row counts from catalogs or statistics', async () => {
    expect((await attempt("SELECT * FROM pg_stats WHERE schemaname = 'cx'")).rows).toEqual([]);
    await expectRefused("SELECT reltuples FROM pg_class WHERE relname = 'survey_response'", /permission denied/);
    await expectRefused('SELECT n_live_tup FROM pg_stat_user_tables', /permission denied/);
    await expectRefused("SELECT pg_stat_get_live_tuples('cx.survey_response'::regclass)", /permission denied/);
    await expectRefused('SELECT query FROM pg_stat_activity', /permission denied/);
  });

  it('gets no error-message or timing oracle on rows outside the scope', async () => {
    const other = ids.S4;
    // The policy is applied before the attacker's expressions, so a row of S4 never reaches them.
    const division = await attempt(
      `SELECT count(*) AS n FROM survey_response WHERE 1 / (unit_id - ${other}) IS NOT NULL`,
    );
    expect(division.rows).toEqual([{ n: OWN_RESPONSES }]);
    const cast = await attempt(
      `SELECT count(*) AS n FROM survey_response WHERE CASE WHEN unit_id = ${other} THEN (comment || 'x')::int ELSE 1 END = 1`,
    );
    expect(cast.rows).toEqual([{ n: OWN_RESPONSES }]);
  });

  it('cannot outlast the timeout, even after lifting statement_timeout', async () => {
    await expectRefused("SELECT set_config('statement_timeout', '0', false), pg_sleep(30)", /longer than 1.5 s/);
    await expectRefused('SELECT pg_sleep(30)', /longer than 1.5 s/);
    expect(await ownCount()).toBe(OWN_RESPONSES);
  });

  it('cannot hold a connection for many timeouts with one request of many slow queries', async () => {
    // Each query stays under the 1.5 s timeout; the request's budget is twice the timeout.
    const body = tableQuery('SELECT pg_sleep(1.2) AS slept');
    const queries = ['A', 'B', 'C', 'D'].map((refId) => ({ ...body.queries[0]!, refId }));
    const answer = await t.query(attacker, { ...body, queries });
    expect(answer.body.results.A.frames).toHaveLength(1);
    expect(answer.body.results.D.error).toMatch(/Not run: .* time budget/);
  });

  it('cannot signal, lock or watch other viewers’ backends', async () => {
    await expectRefused('SELECT pg_cancel_backend(pg_backend_pid())', /permission denied/);
    await expectRefused('SELECT pg_terminate_backend(pg_backend_pid())', /permission denied/);
    await expectRefused('SELECT pg_advisory_lock(1)', /permission denied/);
  });

  it('leaves nothing behind on the pooled connection for the next viewer', async () => {
    // One query connection: the next query reuses it.
    await attempt("SELECT set_config('orgscope.leftover', 'x', false), set_config('search_path', 'pg_catalog', false)");
    const next = await t.query(
      VIEWERS.multiUnit.login,
      tableQuery(
        "SELECT current_setting('orgscope.leftover', true) AS leftover, current_setting('search_path') AS path, count(*) AS n FROM survey_responses",
      ),
    );
    const [row] = rowsOf(next.body);
    expect(row).toMatchObject({ path: 'cx', n: RESPONSES.S1! + RESPONSES.S4! });
    expect(['', null]).toContain(row!.leftover);
  });

  it('cannot return unbounded results, in rows or in bytes', async () => {
    const t2 = await startTestDistributor({
      env: { QUERY_MAX_ROWS: '10', QUERY_MAX_BYTES: '4096' },
      arrange: (db) => arrangeSmallChain(db.admin).then(() => undefined),
    });
    try {
      const answer = await t2.query(VIEWERS.headOffice.login, tableQuery('SELECT * FROM generate_series(1, 1000)'));
      expect(answer.body.results.A.error).toMatch(/more than 10 rows/);
      // Five rows, but of 2,000 characters each: past 4 KiB while streaming, and cancelled.
      const wide = await t2.query(
        VIEWERS.headOffice.login,
        tableQuery("SELECT repeat('x', 2000) FROM generate_series(1, 5)"),
      );
      expect(wide.body.results.A.error).toMatch(/more than 4 KiB/);
      const within = await t2.query(
        VIEWERS.headOffice.login,
        tableQuery("SELECT repeat('x', 100) AS x FROM generate_series(1, 5)"),
      );
      expect(rowsOf(within.body)).toHaveLength(5);
    } finally {
      await t2.stop();
    }
  });
});
