import { z } from 'zod';

import { OrgscopeError } from '../errors.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = z.url({ protocol: /^https?$/ });

/** Settings of the report pipeline, read from the environment beside the distributor's own config. */
const schema = z.object({
  /** Grafana as Chromium reaches it (the dashboard URL is built on it). */
  GRAFANA_URL: url.default('http://127.0.0.1:3000'),
  GRAFANA_ORG_ID: int(1, 1_000_000).default(1),
  /** Grafana as a recipient reaches it, for the link in the email. Defaults to GRAFANA_URL. */
  REPORT_PUBLIC_GRAFANA_URL: url.optional(),
  /** The distributor's Grafana service account token: Chromium opens dashboards with it. */
  GRAFANA_SERVICE_ACCOUNT_TOKEN: z.string().min(1).optional(),
  /** Key that signs render tickets: at least 32 characters, the same on every instance. */
  REPORT_TICKET_SECRET: z.string().min(32, 'must be at least 32 characters (use a random key)').optional(),
  REPORT_TICKET_TTL_SECONDS: int(10, 3600).default(300),

  REPORT_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .default('smtp://127.0.0.1:25'),
  REPORT_FROM: z
    .string()
    .regex(/^[^@\s<>]+@[^@\s<>]+$/, 'must be an email address')
    .default('reports@orgscope.local'),
  REPORT_SMTP_CONNECTIONS: int(1, 50).default(4),
  REPORT_MAIL_ATTEMPTS: int(1, 20).default(5),
  REPORT_MAIL_BACKOFF_MS: int(0, 600_000).default(2_000),

  REPORT_CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  REPORT_RENDER_CONCURRENCY: int(1, 32).default(2),
  REPORT_RENDER_TIMEOUT_MS: int(1_000, 600_000).default(60_000),
  /** Upper bound of the wait for the dashboard to settle, inside the render timeout. */
  REPORT_RENDER_WAIT_CAP_MS: int(100, 600_000).default(30_000),
  REPORT_RENDER_ATTEMPTS: int(1, 10).default(3),
  REPORT_RENDER_BACKOFF_MS: int(0, 600_000).default(5_000),
  REPORT_BROWSER_RECYCLE_AFTER: int(1, 100_000).default(50),
  REPORT_VIEWPORT_WIDTH: int(320, 8000).default(1600),

  /** What to do with fire times missed while no instance ran: skip them, or run the latest once. */
  REPORT_MISSED: z.enum(['skip', 'run_once']).default('run_once'),
  /** How far back missed fire times are looked for. */
  REPORT_MISSED_LOOKBACK_HOURS: int(1, 24 * 31).default(48),
  REPORT_QUEUE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default('orgscope_queue'),
  /** A job whose worker died is retried after this long. */
  REPORT_JOB_EXPIRE_SECONDS: int(5, 86_400).default(900),
  /** How often pg-boss looks for jobs whose worker died (expired) and retries them. */
  REPORT_QUEUE_MAINTENANCE_SECONDS: int(1, 3600).default(60),
  REPORT_QUEUE_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
});

export type ReportSettings = Readonly<z.infer<typeof schema>>;

/** Reads the report settings; a bad value stops the process with a message naming the setting. */
export function loadReportSettings(env: NodeJS.ProcessEnv = process.env): ReportSettings {
  const known = new Set(Object.keys(schema.shape));
  const given = Object.fromEntries(Object.entries(env).filter(([key, value]) => known.has(key) && value !== ''));
  const result = schema.safeParse(given);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new OrgscopeError('invalid_config', `Invalid report settings: ${problems.join('; ')}`, { details: problems });
  }
  return Object.freeze(result.data);
}
