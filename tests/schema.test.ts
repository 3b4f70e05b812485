import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { createTestDatabase, type TestDatabase } from './support/database.js';

describe('database schema', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('forces row-level security on every fact table, for the owner too', async () => {
    const { rows } = await db.admin.query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
       WHERE relnamespace = 'cx'::regnamespace AND relkind = 'r' ORDER BY relname`,
    );
    expect(rows.map((r) => r.relname)).toEqual([
      'customer_order',
      'mystery_audit',
      'survey_contact',
      'survey_response',
    ]);
    expect(rows.every((r) => r.relrowsecurity && r.relforcerowsecurity)).toBe(true);
  });

  it('gives the query roles no way around row-level security', async () => {
    const { rows } = await db.admin.query(
      `SELECT rolname, rolsuper, rolbypassrls, rolinherit, rolcreaterole, rolcreatedb,
              (SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid)::int AS memberships,
              (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid)::int AS owned
       FROM pg_roles r WHERE rolname IN ('orgscope_query', 'orgscope_query_all', 'orgscope_query_unit', 'orgscope_query_wide') ORDER BY rolname`,
    );
    expect(rows).toEqual([
      {
        rolname: 'orgscope_query',
        rolsuper: false,
        rolbypassrls: false,
        rolinherit: false,
        rolcreaterole: false,
        rolcreatedb: false,
        memberships: 0,
        owned: 0,
      },
      {
        rolname: 'orgscope_query_all',
        rolsuper: false,
        rolbypassrls: false,
        rolinherit: false,
        rolcreaterole: false,
        rolcreatedb: false,
        memberships: 0,
        owned: 0,
      },
      {
        rolname: 'orgscope_query_unit',
        rolsuper: false,
        rolbypassrls: false,
        rolinherit: false,
        rolcreaterole: false,
        rolcreatedb: false,
        memberships: 0,
        owned: 0,
      },
      {
        rolname: 'orgscope_query_wide',
        rolsuper: false,
        rolbypassrls: false,
        rolinherit: false,
        rolcreaterole: false,
        rolcreatedb: false,
        memberships: 0,
        owned: 0,
      },
    ]);
  });
});
