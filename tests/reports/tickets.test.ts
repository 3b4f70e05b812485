import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import { resolveScope } from '../../distributor/src/scope/resolve.js';
import type { Scope } from '../../distributor/src/scope/types.js';
import { issueTicket } from '../../distributor/src/reports/ticket.js';
import type { TestDatabase } from '../support/database.js';
import { rowsOf } from '../support/frames.js';
import { arrangeSmallChain, VIEWERS } from '../support/smallChain.js';
import { TICKET_SECRET } from './fixtures.js';
import { PANEL_SQL } from '../support/dashboardStandIn.js';
import { REPORT_ACCOUNT, startScopedDashboard } from './scopedRender.js';

jest.setTimeout(60_000);

let env: Awaited<ReturnType<typeof startScopedDashboard>>;
let storeScope: Scope;
const body = {
  queries: [{ refId: 'A', rawSql: PANEL_SQL, format: 'table' }],
  range: { from: String(Date.parse('2026-10-01T00:00:00Z')), to: String(Date.parse('2026-12-31T00:00:00Z')) },
};

beforeAll(async () => {
  env = await startScopedDashboard(async (db: TestDatabase) => void (await arrangeSmallChain(db.admin)));
  storeScope = await resolveScope(env.distributor.db.admin, { login: VIEWERS.store.login, teams: [] });
});
afterAll(async () => env?.stop());

async function queryAs(user: typeof REPORT_ACCOUNT | string, ticket: string) {
  const headers = {
    ...(await env.distributor.headersFor(user)),
    'content-type': 'application/json',
    'x-orgscope-ticket': ticket,
  };
  const response = await fetch(`${env.distributor.url}/api/query`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { message?: string } };
}

const ticket = (ttlMs = 60_000, now = new Date()) =>
  issueTicket(TICKET_SECRET, { runId: 'run-1', scope: storeScope }, ttlMs, now);

describe('report tickets at the query API', () => {
  it('gives the report service account exactly the ticket scope', async () => {
    const answer = await queryAs(REPORT_ACCOUNT, ticket());
    expect(answer.status).toBe(200);
    expect(rowsOf(answer.body)).toEqual([{ unit: 'S1', responses: 3 }]);
  });

  it('refuses an expired ticket', async () => {
    const answer = await queryAs(REPORT_ACCOUNT, ticket(1000, new Date(Date.now() - 60_000)));
    expect(answer.status).toBe(401);
    expect(answer.body.message).toMatch(/expired/);
  });

  it('refuses a ticket whose scope was widened', async () => {
    const [header, payload, signature] = ticket().split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    claims.scope = { ...claims.scope, coversAll: true };
    const answer = await queryAs(
      REPORT_ACCOUNT,
      `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`,
    );
    expect(answer.status).toBe(401);
    expect(answer.body.message).toMatch(/signature/);
  });

  it('refuses a valid ticket presented by a person', async () => {
    const answer = await queryAs(VIEWERS.region.login, ticket());
    expect(answer.status).toBe(401);
    expect(answer.body.message).toMatch(/report service account/);
  });

  it('refuses a valid ticket presented by another service account', async () => {
    const answer = await queryAs({ ...REPORT_ACCOUNT, id: 10, login: 'sa-other' } as typeof REPORT_ACCOUNT, ticket());
    expect(answer.status).toBe(401);
  });
});
