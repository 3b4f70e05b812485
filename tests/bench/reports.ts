import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';
import pino from 'pino';
import { Registry } from 'prom-client';

import { startDistributor } from '../../distributor/src/app.js';
import { startEmbeddedPostgres } from '../../distributor/src/db/embedded.js';
import { ReportEngine } from '../../distributor/src/reports/engine.js';
import { createMailer } from '../../distributor/src/reports/mail/mailer.js';
import { createReportMetrics } from '../../distributor/src/reports/metrics.js';
import { BrowserPool } from '../../distributor/src/reports/render/browserPool.js';
import { renderDashboard, type RenderResult } from '../../distributor/src/reports/render/renderer.js';
import { scheduleInputSchema } from '../../distributor/src/reports/schedule.js';
import { saveSchedule } from '../../distributor/src/reports/scheduleStore.js';
import { loadReportSettings } from '../../distributor/src/reports/settings.js';
import { verifyTicket } from '../../distributor/src/reports/ticket.js';
import { resolveScope } from '../../distributor/src/scope/resolve.js';
import type { Scope } from '../../distributor/src/scope/types.js';
import { startDashboardStandIn } from '../support/dashboardStandIn.js';
import { startGrafanaStandIn } from '../support/grafanaStandIn.js';
import { startSmtpServer } from '../support/smtpServer.js';
import { mailOnly, sampleMemory, stepMeans } from '../reports/benchParts.js';
import { benchConfig } from './benchConfig.js';
import { benchDatabase } from './benchDatabase.js';
import { fixed } from './stats.js';

const RECIPIENTS = Number(process.env.BENCH_REPORT_RECIPIENTS ?? 2000);
const SCOPES = Number(process.env.BENCH_REPORT_SCOPES ?? 300);
const CONCURRENCY = Number(process.env.BENCH_REPORT_CONCURRENCY ?? 2);
const PER_RECIPIENT = process.env.BENCH_REPORT_PER_RECIPIENT !== '0';
const SECRET = Buffer.from('bench-render-ticket-secret-0123456789abcdef');
const ACCOUNT = { login: 'sa-reports', kind: 'service-account' as const, id: 7 };
const TOKEN = 'glsa_bench_report_renderer';
const log = pino({ level: 'warn' });

/**
 * Scheduled reports end to end: the demo chain, RECIPIENTS people over SCOPES stores, the real
 * distributor answering panel queries under each ticket, the dashboard stand-in for Grafana, real
 * Chromium and a real SMTP server. Then the same run with every recipient's scope made distinct (by
 * a unit id that matches no row), which renders once per recipient: the ratio is what grouping saves.
 */
export async function run(): Promise<void> {
  const server = process.env.DATABASE_URL ? undefined : await ownServer();
  const database = await benchDatabase(Number(process.env.BENCH_REPORT_RESPONSES ?? 20_000));
  const url = await freshCopy(database.url);
  const admin = new pg.Pool({ connectionString: url, max: 6 });
  admin.on('error', (error) => console.error(`benchmark database connection lost: ${error.message}`));
  const stores = await arrangeRecipients(admin);
  const grafana = await startGrafanaStandIn();
  const config = benchConfig(grafana.url);
  const tickets = {
    reportServiceAccount: `service-account:${ACCOUNT.id}`,
    verifyTicket: (t: string) => verifyTicket(SECRET, t, new Date()).scope,
  };
  const distributor = await startDistributor({ config, log, databaseUrl: url, tickets });
  const dashboard = await startDashboardStandIn({
    serviceAccountToken: TOKEN,
    proxyQuery: async (ticket, body) => {
      const headers = {
        'content-type': 'application/json',
        'x-orgscope-key': config.ROUTE_KEY!,
        'x-grafana-id': await grafana.signIdToken(ACCOUNT),
        'x-orgscope-ticket': ticket ?? '',
      };
      const response = await fetch(`${distributor.url}/api/query`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
  });
  const smtp = await startSmtpServer({ parse: false });
  try {
    console.log(
      `${RECIPIENTS} recipients over ${stores} store scopes; ${CONCURRENCY} Chromium renders at once; ${os.cpus().length} cores; Node ${process.version}.\n`,
    );
    console.log('| run | renders | wall s | renders/min | emails/s | peak memory MB (node + Chromium, PSS) |');
    console.log('|---|---|---|---|---|---|');
    const grouped = await measure('grouped by scope', {
      url,
      admin,
      dashboardUrl: dashboard.url,
      smtpUrl: smtp.url,
      distinct: false,
    });
    if (PER_RECIPIENT) {
      const single = await measure('one render per recipient', {
        url,
        admin,
        dashboardUrl: dashboard.url,
        smtpUrl: smtp.url,
        distinct: true,
      });
      console.log(
        `\nGrouping by scope: ${fixed(single.wallSeconds / grouped.wallSeconds, 1)}× less wall time, ${fixed(single.renders / grouped.renders, 1)}× fewer renders.`,
      );
    }
    console.log('\nMean seconds per render step:\n');
    console.log('| run | open page | navigate | wait | capture PNG | capture PDF | total |');
    console.log('|---|---|---|---|---|---|---|');
    for (const line of steps) console.log(line);
    if (sample) console.log(`\n${await mailOnly(smtp.url, sample, 400)}`);
    console.log(`\nEmails received by the SMTP server: ${smtp.count()}.`);
  } finally {
    await smtp.close();
    await dashboard.close();
    await distributor.close();
    await grafana.stop();
    await admin.end();
    await database.stop();
    await server?.stop();
  }
}

/**
 * An embedded PostgreSQL of this suite's own under .data/bench-reports (kept between runs), so the
 * suite can run while the query suite has its server up.
 */
async function ownServer(): Promise<{ stop(): Promise<void> }> {
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  const server = await startEmbeddedPostgres({
    dataDir: path.resolve('.data/bench-reports'),
    port,
    password: 'orgscope-bench',
    log,
  });
  process.env.DATABASE_URL = server.url('postgres');
  return { stop: () => server.stop() };
}

interface Setup {
  url: string;
  admin: pg.Pool;
  dashboardUrl: string;
  smtpUrl: string;
  distinct: boolean;
}

const steps: string[] = [];
/** The last render made, for the mail-only measurement. */
let sample: RenderResult | undefined;

async function measure(name: string, setup: Setup): Promise<{ wallSeconds: number; renders: number }> {
  const settings = loadReportSettings({
    GRAFANA_URL: setup.dashboardUrl,
    REPORT_SMTP_URL: setup.smtpUrl,
    REPORT_FROM: 'reports@orgscope.bench',
    REPORT_RENDER_CONCURRENCY: String(CONCURRENCY),
    REPORT_SMTP_CONNECTIONS: '4',
    REPORT_QUEUE_POLL_SECONDS: '0.5',
    REPORT_QUEUE_SCHEMA: `orgscope_queue_bench_${setup.distinct ? 'single' : 'grouped'}`,
  });
  const registry = new Registry();
  const metrics = createReportMetrics(registry);
  const pool = new BrowserPool({
    executablePath: settings.REPORT_CHROMIUM_PATH,
    size: CONCURRENCY,
    recycleAfter: settings.REPORT_BROWSER_RECYCLE_AFTER,
    log,
  });
  const resolve = async (who: { login: string; teams: string[] }): Promise<Scope> => {
    const scope = await resolveScope(setup.admin, who);
    return setup.distinct ? { ...scope, unitIds: [...scope.unitIds, -Number(who.login.slice(7))] } : scope;
  };
  const engine = new ReportEngine({
    admin: setup.admin,
    databaseUrl: setup.url,
    log,
    settings,
    metrics,
    resolveScope: resolve,
    mailer: createMailer({ smtpUrl: setup.smtpUrl, connections: 4, log }),
    render: async (request) =>
      (sample = await renderDashboard(request, {
        pool,
        log,
        metrics,
        serviceAccountToken: TOKEN,
        timeoutMs: settings.REPORT_RENDER_TIMEOUT_MS,
        waitCapMs: settings.REPORT_RENDER_WAIT_CAP_MS,
        viewportWidth: settings.REPORT_VIEWPORT_WIDTH,
      })),
    ticketSecret: SECRET,
    clock: () => new Date(),
  });
  const schedule = await saveSchedule(
    setup.admin,
    scheduleInputSchema.parse({
      name: `bench-${setup.distinct ? 'single' : 'grouped'}`,
      dashboardUid: 'bench',
      cron: '0 8 * * 1',
      timeZone: 'Asia/Shanghai',
      audience: { units: ['HQ'], roles: ['bench_recipient'] },
    }),
    'api',
  );
  await engine.start();
  const memory = sampleMemory(() => [process.pid, ...pool.processIds()]);
  const started = performance.now();
  try {
    const occurrenceId = await engine.runNow(schedule.id);
    await waitDone(setup.admin, occurrenceId);
    const wallSeconds = (performance.now() - started) / 1000;
    const { rows } = await setup.admin.query<{ sent: number; seconds: number }>(
      `SELECT count(*) FILTER (WHERE state = 'sent')::int AS sent, extract(epoch FROM max(sent_at) - min(sent_at))::float8 AS seconds
       FROM orgscope_report.delivery WHERE occurrence_id = $1`,
      [occurrenceId],
    );
    const renders = (await metrics.renders.get()).values.find((v) => v.labels.result === 'ok')?.value ?? 0;
    const { sent, seconds } = rows[0]!;
    if (sent !== RECIPIENTS) throw new Error(`${sent} of ${RECIPIENTS} deliveries were sent`);
    steps.push(`| ${name} | ${await stepMeans(metrics)} |`);
    console.log(
      `| ${name} | ${renders} | ${fixed(wallSeconds, 1)} | ${fixed((renders / wallSeconds) * 60, 0)} | ${fixed(sent / Math.max(seconds, 0.001), 1)} | ${memory.stop()} |`,
    );
    return { wallSeconds, renders };
  } finally {
    memory.stop();
    await engine.stop();
    await pool.close();
  }
}

/** RECIPIENTS people with a role that receives reports, spread over the first SCOPES stores. */
async function arrangeRecipients(admin: pg.Pool): Promise<number> {
  await admin.query(`INSERT INTO orgscope.role (name, can_receive_reports) VALUES ('bench_recipient', true)`);
  await admin.query(
    `INSERT INTO orgscope.person (login, email) SELECT 'bench.r' || lpad(g::text, 5, '0'), 'bench.r' || g || '@chain.example' FROM generate_series(1, $1) g`,
    [RECIPIENTS],
  );
  const { rowCount } = await admin.query(
    `WITH stores AS (SELECT id, row_number() OVER (ORDER BY code) - 1 AS n FROM orgscope.org_unit WHERE kind = 'store' ORDER BY code LIMIT $1)
     INSERT INTO orgscope.mapping (person_id, unit_id, role_id)
     SELECT p.id, s.id, (SELECT id FROM orgscope.role WHERE name = 'bench_recipient')
     FROM orgscope.person p JOIN stores s ON s.n = (substr(p.login, 8)::int - 1) % $1
     WHERE p.login LIKE 'bench.r%'`,
    [SCOPES],
  );
  const { rows } = await admin.query<{ n: number }>(
    `SELECT count(DISTINCT unit_id)::int AS n FROM orgscope.mapping m JOIN orgscope.role r ON r.id = m.role_id WHERE r.name = 'bench_recipient'`,
  );
  if (rowCount !== RECIPIENTS) throw new Error(`mapped ${rowCount} of ${RECIPIENTS} recipients`);
  return rows[0]!.n;
}

/** A throw-away copy of the loaded demo database, so the benchmark's people never reach the cached one. */
async function freshCopy(templateUrl: string): Promise<string> {
  const template = new URL(templateUrl).pathname.slice(1);
  const name = `${template}_reports`;
  const server = new pg.Client({ connectionString: templateUrl.replace(`/${template}`, '/postgres') });
  await server.connect();
  try {
    await server.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await server.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await server.end();
  }
  return templateUrl.replace(`/${template}`, `/${name}`);
}

async function waitDone(admin: pg.Pool, occurrenceId: string): Promise<void> {
  for (;;) {
    const { rows } = await admin.query<{ state: string }>(
      'SELECT state FROM orgscope_report.occurrence WHERE id = $1',
      [occurrenceId],
    );
    if (rows[0]?.state === 'done') return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
