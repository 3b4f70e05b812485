import { createHash } from 'node:crypto';

import pg from 'pg';

/**
 * The roles that run untrusted SQL, one per shape of scope (docs/decisions/0002): one unit, a few
 * units, many units, the whole chain. Each has the policy that is fastest for its shape.
 */
export const QUERY_ROLES = {
  oneUnit: 'orgscope_query_unit',
  fewUnits: 'orgscope_query',
  manyUnits: 'orgscope_query_wide',
  wholeChain: 'orgscope_query_all',
} as const;

export type ScopeShape = keyof typeof QUERY_ROLES;
const SHAPES = Object.keys(QUERY_ROLES) as ScopeShape[];

/**
 * The pools of the distributor: `admin` (the DATABASE_URL user, for the org model, reports and
 * migrations) and one per query role. Untrusted SQL never runs on `admin`.
 */
export interface Databases {
  admin: pg.Pool;
  /** One pool per query role, connected lazily. */
  query: Record<ScopeShape, pg.Pool>;
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
    for (const role of Object.values(QUERY_ROLES)) {
      // ALTER ROLE takes no bind parameters; the literal is escaped by the driver.
      await client.query(`ALTER ROLE ${role} LOGIN PASSWORD ${secret} CONNECTION LIMIT ${connectionLimit}`);
      await client.query(`ALTER ROLE ${role} IN DATABASE ${db} SET search_path = cx`);
    }
    await client.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
    await client.query(`GRANT CONNECT ON DATABASE ${db} TO ${Object.values(QUERY_ROLES).join(', ')}`);
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
  const query = Object.fromEntries(SHAPES.map((shape) => [shape, queryPool(QUERY_ROLES[shape])])) as Record<
    ScopeShape,
    pg.Pool
  >;
  const all = [admin, ...Object.values(query)];
  for (const pool of all) {
    // An idle client that errors (server restart) is removed by pg; without a listener Node would crash.
    pool.on('error', () => undefined);
  }
  return {
    admin,
    query,
    close: async () => {
      await Promise.all(all.map((pool) => pool.end()));
    },
  };
}
