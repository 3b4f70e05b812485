import { readFileSync } from 'node:fs';

import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { OrgscopeError } from './errors.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = z.url({ protocol: /^https?$/ });

/** Every setting of the distributor, read from the environment (and ORGSCOPE_CONFIG_FILE, if set). */
const schema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65535).default(3100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('.data'),

  /** A PostgreSQL server to use. Without it the distributor runs embedded PostgreSQL under DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string')
    .optional(),
  EMBEDDED_PG_PORT: int(1024, 65535).default(54320),
  /** Password of the query roles. Derived from DATABASE_URL when not given (see db/pools.ts). */
  QUERY_ROLE_PASSWORD: z.string().min(16).optional(),
  /** Load the demo chain into an empty database at start. Defaults to on for embedded PostgreSQL only. */
  LOAD_DEMO: bool.optional(),
  /** Survey responses and seed of the demo loaded on a first start; defaults in provisioning/demo/demo.yaml. */
  DEMO_SIZE: int(0, 50_000_000).optional(),
  DEMO_SEED: int(0, 2 ** 31 - 1).optional(),

  /** Value Grafana's data source proxy adds as X-Orgscope-Key (from the data source's secureJsonData). */
  ROUTE_KEY: z.string().min(24, 'must be at least 24 characters (use a random key)').optional(),
  GRAFANA_URL: url.default('http://127.0.0.1:3000'),
  /** Expected `iss` of Grafana ID tokens: Grafana's root_url. Defaults to GRAFANA_URL. */
  GRAFANA_ISSUER: z.string().min(1).optional(),
  GRAFANA_ORG_ID: int(1, 1_000_000).default(1),
  /** Accept X-Grafana-User without an ID token (Grafana older than 10.3). Weakens identity; warned at start. */
  TRUST_USER_HEADER: bool.default(false),
  /** Service account token used to read team memberships from Grafana's HTTP API. */
  GRAFANA_SERVICE_ACCOUNT_TOKEN: z.string().min(1).optional(),
  TEAM_CACHE_SECONDS: int(0, 3600).default(60),
  /** How long a resolved scope is reused; a changed mapping reaches viewers within this time. */
  SCOPE_CACHE_SECONDS: int(0, 600).default(5),
  /**
   * The Grafana service account that renders reports, as its ID token names it (`service-account:<id>`);
   * only it may present a report ticket.
   */
  REPORT_SERVICE_ACCOUNT_LOGIN: z.string().min(1).optional(),

  QUERY_TIMEOUT_MS: int(100, 600_000).default(30_000),
  QUERY_MAX_ROWS: int(1, 10_000_000).default(100_000),
  QUERY_MAX_BYTES: int(1024, 1024 ** 3).default(64 * 1024 * 1024),
  QUERY_MAX_CONCURRENT_PER_VIEWER: int(1, 100).default(4),
  QUERY_POOL_SIZE: int(1, 200).default(16),
  /** Scopes of more units than this use the bit-string policy instead of the index-backed one. */
  QUERY_SMALL_SCOPE_UNITS: int(1, 100_000).default(32),
  BODY_LIMIT_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
});

export type Config = Readonly<z.infer<typeof schema>>;

/**
 * Reads the configuration once. A bad value stops the process with a message naming the setting.
 * Secrets are never echoed back: only the name of the setting and what is expected.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const fromFile = env.ORGSCOPE_CONFIG_FILE ? readConfigFile(env.ORGSCOPE_CONFIG_FILE) : {};
  const merged = { ...fromFile, ...definedOnly(env) };
  const result = schema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new OrgscopeError('invalid_config', `Invalid configuration: ${problems.join('; ')}`, { details: problems });
  }
  return Object.freeze(result.data);
}

function readConfigFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OrgscopeError('invalid_config', `ORGSCOPE_CONFIG_FILE ${file} cannot be read`, { cause: error });
  }
  const parsed: unknown = parseYaml(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new OrgscopeError('invalid_config', `ORGSCOPE_CONFIG_FILE ${file} must be a YAML mapping of SETTING: value`);
  }
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  const known = new Set(Object.keys(schema.shape));
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => known.has(entry[0]) && entry[1] !== undefined && entry[1] !== '',
    ),
  );
}
