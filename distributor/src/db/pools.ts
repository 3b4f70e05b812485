import { createHash } from 'node:crypto';

import pg from 'pg';

/** Role that runs untrusted SQL for viewers scoped to a few org units (index-backed policy). */
export const SCOPED_ROLE = 'orgscope_query';
/** Role that runs untrusted SQL for viewers scoped to many org units (hashed policy). */
export const WIDE_ROLE = 'orgscope_query_wide';
/** Role that runs untrusted SQL for viewers whose scope is the whole chain. */
export const WHOLE_CHAIN_ROLE = 'orgscope_query_all';
const QUERY_ROLES = [SCOPED_ROLE, WIDE_ROLE, WHOLE_CHAIN_ROLE];

/**
 * The pools of the distributor: `admin` (the DATABASE_URL user, for the org model, reports and
 * migrations) and one per query role. Untrusted SQL never runs on `admin`.
 */
export interface Databases {
  admin: pg.Pool;
  scoped: pg.Pool;
  wide: pg.Pool;
  wholeChain: pg.Pool;
  close(): Promise<void>;
}

/** The query roles' password: given, or derived from the admin URL so every instance agrees on it. */
export function queryRolePassword(adminUrl: string, configured?: string): string {
  return configured ?? createHash('sha256').update(`orgscope-query-role:${adminUrl}`).digest('base64url');
}

/**
 * Makes the query roles able to log in with `password` and gives them their per-database settings.
 * Runs at every start: per-database role settings and database grants do not survive
 * CREATE DATABASE ... TEMPLATE, and the password may have changed.
 */
export async function prepareQueryRoles(admin: pg.Pool, password: string, connectionLimit: number): Promise<void> {
  const client = await admin.connect();
  try {
    const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
    const db = client.escapeIdentifier(rows[0]!.db);
    const secret = client.escapeLiteral(password);
    for (const role of QUERY_ROLES) {
      // ALTER ROLE takes no bind parameters; the literal is escaped by the driver.
      await client.query(`ALTER ROLE ${role} LOGIN PASSWORD ${secret} CONNECTION LIMIT ${connectionLimit}`);
      await client.query(`ALTER ROLE ${role} IN DATABASE ${db} SET search_path = cx`);
    }
    await client.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
    await client.query(`GRANT CONNECT ON DATABASE ${db} TO ${QUERY_ROLES.join(', ')}`);
  } finally {
    client.release();
  }
}

export function roleUrl(adminUrl: string, role: string, password: string): string {
  const url = new URL(adminUrl);
  url.username = role;
  url.password = password;
  return url.toString();
}

export function openDatabases(adminUrl: string, options: { password: string; queryPoolSize: number }): Databases {
  const admin = new pg.Pool({ connectionString: adminUrl, max: 10, application_name: 'orgscope-admin' });
  const queryPool = (role: string) =>
    new pg.Pool({
      connectionString: roleUrl(adminUrl, role, options.password),
      max: options.queryPoolSize,
      application_name: 'orgscope-query',
      idleTimeoutMillis: 60_000,
    });
  const scoped = queryPool(SCOPED_ROLE);
  const wide = queryPool(WIDE_ROLE);
  const wholeChain = queryPool(WHOLE_CHAIN_ROLE);
  for (const pool of [admin, scoped, wide, wholeChain]) {
    // An idle client that errors (server restart) is removed by pg; without a listener Node would crash.
    pool.on('error', () => undefined);
  }
  return {
    admin,
    scoped,
    wide,
    wholeChain,
    close: async () => {
      await Promise.all([admin.end(), scoped.end(), wide.end(), wholeChain.end()]);
    },
  };
}
