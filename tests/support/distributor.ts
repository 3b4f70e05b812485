import { randomBytes } from 'node:crypto';

import pino, { type Logger } from 'pino';

import { startDistributor, type Distributor, type DistributorOptions } from '../../distributor/src/app.js';
import { loadConfig, type Config } from '../../distributor/src/config.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { startGrafanaStandIn, type GrafanaStandIn, type StandInUser } from './grafanaStandIn.js';

// All test databases share one cluster and so the query roles: one password for all of them.
const TEST_QUERY_ROLE_PASSWORD = 'orgscope-test-query-role-password';

export interface TestDistributor {
  url: string;
  routeKey: string;
  grafana: GrafanaStandIn;
  db: TestDatabase;
  distributor: Distributor;
  config: Config;
  /** Headers Grafana's data source proxy would send for this user. */
  headersFor(user: StandInUser | string): Promise<Record<string, string>>;
  /** POST /api/query as `user`, with Grafana's body; returns status and parsed body. */
  query(user: StandInUser | string, body: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test answers are read field by field
  stop(): Promise<void>;
}

export interface TestDistributorOptions {
  /** Settings on top of the test defaults, as environment variables. */
  env?: Record<string, string>;
  /** Arranges data in the fresh database before the distributor starts. */
  arrange?: (db: TestDatabase) => Promise<void>;
  tickets?: DistributorOptions['tickets'];
  reports?: DistributorOptions['reports'];
  /** Where the distributor logs; silent unless given (or ORGSCOPE_TEST_LOG names a level). */
  log?: Logger;
}

/** The real distributor on a fresh test database, with a stand-in for Grafana in front of it. */
export async function startTestDistributor(options: TestDistributorOptions = {}): Promise<TestDistributor> {
  const db = await createTestDatabase();
  const grafana = await startGrafanaStandIn();
  await options.arrange?.(db);
  const routeKey = randomBytes(24).toString('base64url');
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    ROUTE_KEY: routeKey,
    GRAFANA_URL: grafana.url,
    GRAFANA_SERVICE_ACCOUNT_TOKEN: grafana.serviceAccountToken,
    QUERY_ROLE_PASSWORD: TEST_QUERY_ROLE_PASSWORD,
    ...options.env,
  });
  const distributor = await startDistributor({
    config,
    log: options.log ?? pino({ level: process.env.ORGSCOPE_TEST_LOG ?? 'silent' }),
    databaseUrl: db.url,
    tickets: options.tickets,
    reports: options.reports,
  });

  const headersFor = async (user: StandInUser | string) => {
    const who = typeof user === 'string' ? { login: user } : user;
    return {
      'x-orgscope-key': routeKey,
      'x-grafana-id': await grafana.signIdToken(who),
      'x-grafana-user': who.login,
    };
  };
  return {
    url: distributor.url,
    routeKey,
    grafana,
    db,
    distributor,
    config,
    headersFor,
    query: async (user, body) => {
      const response = await fetch(`${distributor.url}/api/query`, {
        method: 'POST',
        headers: { ...(await headersFor(user)), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    stop: async () => {
      await distributor.close();
      await grafana.stop();
      await db.drop();
    },
  };
}
