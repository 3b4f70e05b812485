import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { issueTicket } from '../../distributor/src/reports/ticket.js';
import { resolveScope } from '../../distributor/src/scope/resolve.js';
import { rowsOf, tableQuery } from '../support/frames.js';
import { startTestDistributor, type TestDistributor } from '../support/distributor.js';
import { ADMIN, RESPONSES, VIEWERS, arrangeSmallChain } from '../support/smallChain.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtpServer.js';
import { TICKET_SECRET, testSettings } from './fixtures.js';

const SERVICE_ACCOUNT = { login: 'service-account:7', id: 7, kind: 'service-account' as const };

describe('the distributor with its report pipeline', () => {
  let t: TestDistributor;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    const schedulesDir = await mkdtemp(path.join(os.tmpdir(), 'orgscope-schedules-'));
    const settings = testSettings({
      REPORT_SMTP_URL: smtp.url,
      GRAFANA_SERVICE_ACCOUNT_TOKEN: 'glsa_standin_service_account_token',
    });
    t = await startTestDistributor({
      arrange: (db) => arrangeSmallChain(db.admin).then(() => undefined),
      reports: {
        settings: {
          ...settings,
          REPORT_TICKET_SECRET: settings.REPORT_TICKET_SECRET!,
          GRAFANA_SERVICE_ACCOUNT_TOKEN: 'glsa_standin_service_account_token',
        },
        reportServiceAccount: SERVICE_ACCOUNT.login,
        schedulesDir,
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await smtp?.close();
  });

  it('answers the report service account with the scope of the ticket it carries', async () => {
    const scope = await resolveScope(t.db.admin, { login: VIEWERS.store.login, teams: [] });
    const ticket = issueTicket(TICKET_SECRET, { runId: 'run-1', scope }, 60_000, new Date());
    const response = await fetch(`${t.url}/api/query`, {
      method: 'POST',
      headers: {
        ...(await t.headersFor(SERVICE_ACCOUNT)),
        'content-type': 'application/json',
        'x-orgscope-ticket': ticket,
      },
      body: JSON.stringify(tableQuery('SELECT count(*) AS n FROM survey_responses')),
    });
    expect(rowsOf(await response.json())).toEqual([{ n: RESPONSES.S1 }]);
  });

  it('refuses the same ticket from a person', async () => {
    const scope = await resolveScope(t.db.admin, { login: VIEWERS.headOffice.login, teams: [] });
    const ticket = issueTicket(TICKET_SECRET, { runId: 'run-2', scope }, 60_000, new Date());
    const response = await fetch(`${t.url}/api/query`, {
      method: 'POST',
      headers: {
        ...(await t.headersFor(VIEWERS.store.login)),
        'content-type': 'application/json',
        'x-orgscope-ticket': ticket,
      },
      body: JSON.stringify(tableQuery('SELECT count(*) AS n FROM survey_responses')),
    });
    expect(response.status).toBe(401);
  });

  it('serves the schedule admin API to admins only', async () => {
    const asAdmin = await fetch(`${t.url}/api/admin/reports/schedules`, { headers: await t.headersFor(ADMIN.login) });
    expect(asAdmin.status).toBe(200);
    expect(await asAdmin.json()).toEqual({ schedules: [] });
    const asStore = await fetch(`${t.url}/api/admin/reports/schedules`, {
      headers: await t.headersFor(VIEWERS.store.login),
    });
    expect(asStore.status).toBe(403);
  });

  it('exposes report metrics beside the query metrics', async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toMatch(/orgscope_report/);
  });
});
