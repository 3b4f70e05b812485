import { randomBytes } from 'node:crypto';

import pg from 'pg';

export const TEMPLATE_DATABASE = 'orgscope_test_template';

export interface TestDatabase {
  /** Superuser URL of this test file's own database. */
  url: string;
  /** A pool on `url`, for arranging data and reading what the code under test wrote. */
  admin: pg.Pool;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file, copied from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.ORGSCOPE_TEST_SERVER_URL;
  if (!serverUrl) throw new Error('ORGSCOPE_TEST_SERVER_URL is not set: run integration tests through jest');
  const name = `orgscope_test_${randomBytes(6).toString('hex')}`;
  const server = new pg.Client({ connectionString: serverUrl });
  await server.connect();
  try {
    await server.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
  } finally {
    await server.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const admin = new pg.Pool({ connectionString: url.toString(), max: 4 });
  admin.on('error', () => undefined);
  return {
    url: url.toString(),
    admin,
    drop: async () => {
      await admin.end();
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
