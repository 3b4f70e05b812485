import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { QUERY_ROLES } from '../distributor/src/db/pools.js';
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
    const roles = Object.values(QUERY_ROLES).sort();
    const { rows } = await db.admin.query(
      `SELECT rolname, rolsuper, rolbypassrls, rolinherit, rolcreaterole, rolcreatedb,
              (SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid)::int AS memberships,
              (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid)::int AS owned
       FROM pg_roles r WHERE rolname = ANY ($1) ORDER BY rolname`,
      [roles],
    );
    const powerless = {
      rolsuper: false,
      rolbypassrls: false,
      rolinherit: false,
      rolcreaterole: false,
      rolcreatedb: false,
    };
    expect(rows).toEqual(roles.map((rolname) => ({ rolname, ...powerless, memberships: 0, owned: 0 })));
  });
});
