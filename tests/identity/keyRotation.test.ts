import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { createIdentity } from '../../distributor/src/identity/index.js';
import { startGrafanaStandIn, type GrafanaStandIn } from '../support/grafanaStandIn.js';

import { capturingLogger, configFor, ROUTE_KEY } from './setup.js';

const KEYS_PATH = '/api/signing-keys/keys';
const bob = { login: 'bob', email: 'bob@snacks.example', id: 6 };

describe("Grafana's key set", () => {
  let grafana: GrafanaStandIn;

  beforeAll(async () => {
    grafana = await startGrafanaStandIn();
  });

  afterAll(async () => {
    await grafana.stop();
  });

  const headers = (token: string) => ({ 'x-orgscope-key': ROUTE_KEY, 'x-grafana-id': token });

  it('is served as Grafana serves it: EC P-256 keys with kid, alg, use, and an hour of caching', async () => {
    const response = await fetch(`${grafana.url}${KEYS_PATH}`);
    const body = (await response.json()) as { keys: Record<string, string>[] };

    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(body.keys).toEqual([
      {
        use: 'sig',
        kty: 'EC',
        kid: grafana.kid,
        crv: 'P-256',
        alg: 'ES256',
        x: expect.any(String),
        y: expect.any(String),
      },
    ]);
    expect(grafana.kid).toMatch(/^id-\d{4}-\d{2}-es256$/);
  });

  it('is fetched once and then reused for many requests', async () => {
    const identity = createIdentity({ config: configFor(grafana.url), log: capturingLogger().log });
    const before = grafana.requestCount(KEYS_PATH);

    await Promise.all([1, 2, 3, 4, 5].map(async () => identity.authenticate(headers(await grafana.signIdToken(bob)))));

    expect(grafana.requestCount(KEYS_PATH) - before).toBe(1);
  });

  it('is fetched again once when a token names a new key after rotation', async () => {
    const identity = createIdentity({ config: configFor(grafana.url), log: capturingLogger().log });
    await identity.authenticate(headers(await grafana.signIdToken(bob)));
    const before = grafana.requestCount(KEYS_PATH);

    const newKid = await grafana.rotateKey();
    const viewer = await identity.authenticate(headers(await grafana.signIdToken(bob)));
    await identity.authenticate(headers(await grafana.signIdToken(bob)));

    expect(newKid).not.toBe('');
    expect(viewer.login).toBe('bob');
    expect(grafana.requestCount(KEYS_PATH) - before).toBe(1);
  });

  it('is not fetched more than once per cooldown however many unknown kids arrive', async () => {
    let now = Date.now();
    const identity = createIdentity({
      config: configFor(grafana.url),
      log: capturingLogger().log,
      now: () => new Date(now),
    });
    await identity.authenticate(headers(await grafana.signIdToken(bob)));
    const before = grafana.requestCount(KEYS_PATH);

    const flood = await Promise.allSettled(
      Array.from({ length: 50 }, async (_, index) =>
        identity.authenticate(headers(await grafana.signIdToken(bob, { header: { kid: `id-9999-${index}-es256` } }))),
      ),
    );
    const afterFlood = grafana.requestCount(KEYS_PATH) - before;
    now += 31_000;
    await identity
      .authenticate(headers(await grafana.signIdToken(bob, { header: { kid: 'id-9999-99-es256' } })))
      .catch(() => {});

    expect(flood.every((result) => result.status === 'rejected')).toBe(true);
    expect(flood[0]).toMatchObject({
      reason: { message: expect.stringMatching(/names a key \(kid\) that is not in Grafana's key set/) },
    });
    expect(afterFlood).toBe(1);
    expect(grafana.requestCount(KEYS_PATH) - before).toBe(2);
  });

  it('being unreachable makes requests unavailable, naming GRAFANA_URL', async () => {
    const gone = await startGrafanaStandIn();
    const token = await gone.signIdToken(bob);
    const config = configFor(gone.url);
    await gone.stop();
    const identity = createIdentity({ config, log: capturingLogger().log });

    const error = await identity.authenticate(headers(token)).catch((thrown: unknown) => thrown);

    expect(error).toMatchObject({ code: 'unavailable', status: 503 });
    expect((error as Error).message).toMatch(
      new RegExp(`key set cannot be fetched from ${gone.url}/api/signing-keys/keys \\(GRAFANA_URL\\)`),
    );
  });

  it('answering an error makes requests unavailable too', async () => {
    const failing = await startGrafanaStandIn();
    failing.failPath(KEYS_PATH, 500);
    const identity = createIdentity({ config: configFor(failing.url), log: capturingLogger().log });

    await expect(identity.authenticate(headers(await failing.signIdToken(bob)))).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('Grafana answered HTTP 500'),
    });
    await failing.stop();
  });
});
