import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';

import { tableQuery } from '../support/frames.js';
import { startTestDistributor, type TestDistributor } from '../support/distributor.js';
import { VIEWERS, arrangeSmallChain } from '../support/smallChain.js';

describe('requests that fail an identity check get a 401 naming the check, and run no SQL', () => {
  let t: TestDistributor;
  const login = VIEWERS.headOffice.login;

  beforeAll(async () => {
    t = await startTestDistributor({ arrange: (db) => arrangeSmallChain(db.admin).then(() => undefined) });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const send = async (headers: Record<string, string>) => {
    const response = await fetch(`${t.url}/api/query`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(tableQuery('SELECT count(*) FROM survey_responses')),
    });
    return { status: response.status, message: ((await response.json()) as { message: string }).message };
  };
  const without = (headers: Record<string, string>, name: string) =>
    Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));

  const cases: [string, () => Promise<Record<string, string>>, RegExp][] = [
    ['no route key', async () => without(await t.headersFor(login), 'x-orgscope-key'), /X-Orgscope-Key/],
    [
      'a wrong route key',
      async () => ({ ...(await t.headersFor(login)), 'x-orgscope-key': 'not-the-key' }),
      /X-Orgscope-Key/,
    ],
    ['no ID token', async () => without(await t.headersFor(login), 'x-grafana-id'), /X-Grafana-Id/],
    [
      'an unsigned token',
      async () => {
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'jwt' })).toString('base64url');
        const body = Buffer.from(JSON.stringify({ sub: 'user:1', login, aud: ['org:1'], exp: 9999999999 })).toString(
          'base64url',
        );
        return { ...(await t.headersFor(login)), 'x-grafana-id': `${header}.${body}.` };
      },
      /ID token/,
    ],
    [
      'an HS256 token',
      async () => {
        const token = await new SignJWT({ login, username: login })
          .setProtectedHeader({ alg: 'HS256', typ: 'jwt', kid: t.grafana.kid })
          .setIssuer(t.grafana.issuer)
          .setAudience('org:1')
          .setSubject('user:1')
          .setExpirationTime('5m')
          .sign(Buffer.from('guessed-secret-guessed-secret-32b'));
        return { ...(await t.headersFor(login)), 'x-grafana-id': token };
      },
      /ID token|algorithm/i,
    ],
    [
      'an expired token',
      async () => ({
        ...(await t.headersFor(login)),
        'x-grafana-id': await t.grafana.signIdToken({ login }, { expiresIn: -120 }),
      }),
      /expired/,
    ],
    [
      'a token for another org',
      async () => ({
        ...(await t.headersFor(login)),
        'x-grafana-id': await t.grafana.signIdToken({ login, orgId: 2 }),
      }),
      /org:2/,
    ],
    [
      'a token from another issuer',
      async () => ({
        ...(await t.headersFor(login)),
        'x-grafana-id': await t.grafana.signIdToken({ login }, { claims: { iss: 'https://evil.example/' } }),
      }),
      /iss/i,
    ],
    [
      'an X-Grafana-User that is not the token’s login',
      async () => ({ ...(await t.headersFor(VIEWERS.store.login)), 'x-grafana-user': login }),
      /X-Grafana-User/,
    ],
    [
      'a report ticket from a person',
      async () => ({ ...(await t.headersFor(VIEWERS.store.login)), 'x-orgscope-ticket': 'eyJ.x.y' }),
      /report ticket/,
    ],
  ];

  for (const [name, headers, message] of cases) {
    it(`refuses ${name}`, async () => {
      const answer = await send(await headers());
      expect(answer.status).toBe(401);
      expect(answer.message).toMatch(message);
    });
  }

  it('ran no SQL on a query connection for any refused request', () => {
    const connections = Object.values(t.distributor.databases.query).map((pool) => pool.totalCount);
    expect(connections).toEqual([0, 0, 0, 0]);
  });

  it('lets the same request through with every check passing', async () => {
    const answer = await send(await t.headersFor(login));
    expect(answer.status).toBe(200);
  });
});
