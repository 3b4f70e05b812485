import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyInstance } from 'fastify';

import { forbidden } from '../../distributor/src/errors.js';
import { replyWithError } from '../../distributor/src/http/errorReply.js';
import { createScheduleLookups } from '../../distributor/src/reports/lookups.js';
import { reportRoutes } from '../../distributor/src/reports/routes.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { arrangeStores } from './fixtures.js';

let db: TestDatabase;
let app: FastifyInstance;
let base: string;
const engineCalls: string[] = [];

/** Stands in for Grafana's dashboard API: only "experience" exists. */
const dashboardCatalogStandIn = { exists: async (uid: string) => uid === 'experience' };

const valid = {
  name: 'east-weekly',
  title: 'Experience overview',
  dashboardUid: 'experience',
  cron: '0 8 * * 1',
  timeZone: 'Asia/Shanghai',
  range: { from: 'now-7d', to: 'now' },
  variables: { channel: 'All' },
  formats: ['png', 'pdf'],
  audience: { units: ['REGION'], roles: ['store_manager'] },
};

beforeAll(async () => {
  db = await createTestDatabase();
  await arrangeStores(db.admin, 3, 1);
  await db.admin.query(
    `INSERT INTO orgscope.person (login, email) VALUES ('no.mail', NULL), ('unmapped', 'unmapped@chain.example')`,
  );
  app = Fastify();
  app.setErrorHandler((error, request, reply) => replyWithError(error, request, reply));
  await app.register(
    reportRoutes({
      admin: db.admin,
      lookups: createScheduleLookups(db.admin, dashboardCatalogStandIn),
      // The server's identity check stands behind this; here a header says who is asking.
      requireAdmin: async (request) => {
        if (request.headers['x-test-admin'] !== 'yes') throw forbidden('Only Orgscope admins manage report schedules.');
        return { login: 'chain.admin', email: 'admin@chain.example' };
      },
      engine: {
        runNow: async (id) => (engineCalls.push(`run ${id}`), '00000000-0000-4000-8000-000000000001'),
        preview: async (id, login, to) => (
          engineCalls.push(`preview ${id} ${login} ${to}`),
          '00000000-0000-4000-8000-000000000002'
        ),
        syncSchedules: async () => void engineCalls.push('sync'),
      },
    }),
  );
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await db.drop();
});

async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, admin = true) {
  const headers: Record<string, string> = admin ? { 'x-test-admin': 'yes' } : {};
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${url}`, {
    method,
    headers,
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field
  return { statusCode: response.status, json: (): any => JSON.parse(text) };
}

describe('report schedule admin API', () => {
  it('refuses anyone who is not an admin', async () => {
    const answer = await call('GET', '/api/admin/reports/schedules', undefined, false);
    expect(answer.statusCode).toBe(403);
  });

  it('answers 400 listing every problem, and saves nothing', async () => {
    const answer = await call('POST', '/api/admin/reports/schedules', {
      ...valid,
      cron: '0 25 * * 1',
      timeZone: 'Asia/Atlantis',
      dashboardUid: 'nope',
      audience: { units: ['REGION', 'MOON'], roles: ['astronaut'], people: ['not-an-address@', 'no.mail', 'unmapped'] },
    });
    expect(answer.statusCode).toBe(400);
    const details = answer.json().details as string[];
    expect(details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^cron: hour/),
        expect.stringMatching(/^timeZone: "Asia\/Atlantis" is not a known IANA time zone/),
        'dashboardUid: no dashboard "nope" in Grafana',
        'audience.units: no org unit with code "MOON"',
        'audience.roles: no role named "astronaut"',
        'audience.people: "not-an-address@" is not a valid email address',
        expect.stringMatching(/^audience.people: "no.mail" is not a mapped person/),
        expect.stringMatching(/^audience.people: "unmapped" is not a mapped person/),
      ]),
    );
    expect(details).toHaveLength(8);
    expect((await call('GET', '/api/admin/reports/schedules')).json().schedules).toEqual([]);
  });

  it('names a missing audience and a six-field cron', async () => {
    const answer = await call('POST', '/api/admin/reports/schedules', { ...valid, cron: '0 0 8 * * 1', audience: {} });
    expect(answer.statusCode).toBe(400);
    expect(answer.json().details).toEqual(['audience: name at least one org unit or one person']);
    const cron = await call('POST', '/api/admin/reports/schedules', { ...valid, cron: '0 0 8 * * 1' });
    expect(cron.json().details).toEqual([expect.stringMatching(/must have 5 fields/)]);
  });

  it('creates, pauses, resumes, runs, previews and deletes a schedule', async () => {
    const created = await call('POST', '/api/admin/reports/schedules', valid);
    expect(created.statusCode).toBe(201);
    const { id } = created.json().schedule;
    expect(created.json().schedule).toMatchObject({ ...valid, paused: false, source: 'api' });

    expect((await call('POST', `/api/admin/reports/schedules/${id}/pause`)).json().schedule.paused).toBe(true);
    expect((await call('POST', `/api/admin/reports/schedules/${id}/resume`)).json().schedule.paused).toBe(false);
    expect((await call('POST', `/api/admin/reports/schedules/${id}/run`)).statusCode).toBe(202);
    expect((await call('POST', `/api/admin/reports/schedules/${id}/preview`, { login: 'm001-1' })).statusCode).toBe(
      202,
    );
    expect(engineCalls).toContain(`preview ${id} m001-1 admin@chain.example`);
    expect((await call('POST', `/api/admin/reports/schedules/${id}/preview`, { login: 'unmapped' })).statusCode).toBe(
      400,
    );

    const changed = await call('PUT', `/api/admin/reports/schedules/${id}`, { ...valid, cron: '30 7 * * 1-5' });
    expect(changed.json().schedule).toMatchObject({ id, cron: '30 7 * * 1-5' });
    expect((await call('POST', '/api/admin/reports/schedules', valid)).statusCode).toBe(400);

    expect((await call('DELETE', `/api/admin/reports/schedules/${id}`)).statusCode).toBe(204);
    expect((await call('POST', `/api/admin/reports/schedules/${id}/pause`)).statusCode).toBe(404);
    expect(engineCalls.filter((c) => c === 'sync').length).toBeGreaterThanOrEqual(4);
  });

  it('lists deliveries and refuses a bad filter', async () => {
    expect((await call('GET', '/api/admin/reports/deliveries?state=sent')).json()).toEqual({ deliveries: [] });
    const bad = await call('GET', '/api/admin/reports/deliveries?state=lost');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/state/);
  });
});
