// A distributor-like process that runs only the report engine, for tests that kill it with SIGKILL.
// Env: DATABASE_URL, REPORT_SMTP_URL and report settings; RUN_NOW=<schedule id> starts a run and
// prints "run <occurrence id>". Prints "ready" once the engine has started.
import pg from 'pg';
import pino from 'pino';
import { Registry } from 'prom-client';

import { ReportEngine } from '../../distributor/src/reports/engine.js';
import { createMailer } from '../../distributor/src/reports/mail/mailer.js';
import { createReportMetrics } from '../../distributor/src/reports/metrics.js';
import { loadReportSettings } from '../../distributor/src/reports/settings.js';
import { resolveScope } from '../../distributor/src/scope/resolve.js';
import { renderStandIn, TICKET_SECRET } from './fixtures.js';

const settings = loadReportSettings(process.env);
const admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
const log = pino({ level: process.env.ORGSCOPE_TEST_LOG ?? 'silent' }, pino.destination(2));
const engine = new ReportEngine({
  admin,
  databaseUrl: process.env.DATABASE_URL!,
  log,
  settings,
  metrics: createReportMetrics(new Registry()),
  resolveScope: (who) => resolveScope(admin, who),
  mailer: createMailer({ smtpUrl: settings.REPORT_SMTP_URL, connections: settings.REPORT_SMTP_CONNECTIONS, log }),
  render: renderStandIn().render,
  ticketSecret: TICKET_SECRET,
  clock: () => new Date(),
});
await engine.start();
console.log('ready');
if (process.env.RUN_NOW) console.log(`run ${await engine.runNow(Number(process.env.RUN_NOW))}`);
