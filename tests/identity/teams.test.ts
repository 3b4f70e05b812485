import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { createIdentity, identityStartupWarnings } from '../../distributor/src/identity/index.js';
import { startGrafanaStandIn, type GrafanaStandIn } from '../support/grafanaStandIn.js';

import { capturingLogger, configFor, ROUTE_KEY } from './setup.js';

const SEARCH_PATH = '/api/teams/search';
const carol = { login: 'carol', email: 'carol@snacks.example', id: 7 };

describe('teams from Grafana', () => {
  let grafana: GrafanaStandIn;

  beforeAll(async () => {
    grafana = await startGrafanaStandIn();
    grafana.setTeams('carol', ['Region East managers', 'Store 0042']);
    grafana.setTeams('dave', ['Store 0042']);
  });

  afterAll(async () => {
    await grafana.stop();
  });

  const withToken = (extra: Record<string, string> = {}) =>
    configFor(grafana.url, { GRAFANA_SERVICE_ACCOUNT_TOKEN: grafana.serviceAccountToken, ...extra });
  const headers = (token: string) => ({ 'x-orgscope-key': ROUTE_KEY, 'x-grafana-id': token });

  it("are looked up with the service account token and given as the viewer's team names", async () => {
    const identity = createIdentity({ config: withToken(), log: capturingLogger().log });

    const viewer = await identity.authenticate(headers(await grafana.signIdToken(carol)));

    expect(viewer.teams.sort()).toEqual(['Region East managers', 'Store 0042']);
  });

  it('are cached for TEAM_CACHE_SECONDS, one lookup shared by concurrent requests', async () => {
    let now = Date.now();
    const identity = createIdentity({
      config: withToken({ TEAM_CACHE_SECONDS: '60' }),
      log: capturingLogger().log,
      now: () => new Date(now),
    });
    const before = grafana.requestCount(SEARCH_PATH);

    const token = await grafana.signIdToken(carol);
    await Promise.all([1, 2, 3, 4].map(() => identity.authenticate(headers(token))));
    await identity.authenticate(headers(await grafana.signIdToken({ login: 'dave', id: 8 })));
    const withinLifetime = grafana.requestCount(SEARCH_PATH) - before;
    now += 61_000;
    grafana.setTeams('carol', ['Head office']);
    const later = await identity.authenticate(headers(await grafana.signIdToken(carol)));

    expect(withinLifetime).toBe(1);
    expect(grafana.requestCount(SEARCH_PATH) - before).toBe(2);
    expect(later.teams).toEqual(['Head office']);
    grafana.setTeams('carol', ['Region East managers', 'Store 0042']);
  });

  it('are [] when the lookup fails, with a warning, and the request still goes on', async () => {
    const captured = capturingLogger();
    const identity = createIdentity({ config: withToken(), log: captured.log });
    grafana.failPath('/api/teams', 500);

    const viewer = await identity.authenticate(headers(await grafana.signIdToken(carol)));

    grafana.failPath('/api/teams', undefined);
    expect(viewer).toMatchObject({ login: 'carol', teams: [] });
    expect(captured.lines()).toContainEqual(
      expect.objectContaining({ level: 40, login: 'carol', error: expect.stringContaining('HTTP 500') }),
    );
  });

  it('are [] when Grafana refuses the service account token, with a hint on the role it needs', async () => {
    const captured = capturingLogger();
    const identity = createIdentity({
      config: configFor(grafana.url, { GRAFANA_SERVICE_ACCOUNT_TOKEN: 'glsa_wrong_token' }),
      log: captured.log,
    });

    const viewer = await identity.authenticate(headers(await grafana.signIdToken(carol)));

    expect(viewer.teams).toEqual([]);
    expect(captured.text()).toContain('needs the org Admin role');
    expect(captured.text()).not.toContain('glsa_wrong_token');
  });

  it('are [] without a service account token, and the start-up warnings say so', async () => {
    const config = configFor(grafana.url);
    const identity = createIdentity({ config, log: capturingLogger().log });
    const before = grafana.requestCount(SEARCH_PATH);

    const viewer = await identity.authenticate(headers(await grafana.signIdToken(carol)));

    expect(viewer.teams).toEqual([]);
    expect(grafana.requestCount(SEARCH_PATH)).toBe(before);
    expect(identityStartupWarnings(config)).toEqual([
      expect.stringMatching(/^GRAFANA_SERVICE_ACCOUNT_TOKEN is not set/),
    ]);
  });

  it('are not looked up for service accounts', async () => {
    const identity = createIdentity({ config: withToken(), log: capturingLogger().log });
    const before = grafana.requestCount(SEARCH_PATH);

    const viewer = await identity.authenticate(
      headers(await grafana.signIdToken({ login: 'sa-1-reports', id: 3, kind: 'service-account' })),
    );

    expect(viewer).toMatchObject({ kind: 'service-account', teams: [] });
    expect(grafana.requestCount(SEARCH_PATH)).toBe(before);
  });
});

describe('identity from X-Grafana-User alone (TRUST_USER_HEADER)', () => {
  let grafana: GrafanaStandIn;

  beforeAll(async () => {
    grafana = await startGrafanaStandIn();
    grafana.setTeams('erin', ['Store 0100']);
  });

  afterAll(async () => {
    await grafana.stop();
  });

  const trusting = () =>
    configFor(grafana.url, { TRUST_USER_HEADER: 'true', GRAFANA_SERVICE_ACCOUNT_TOKEN: grafana.serviceAccountToken });

  it('accepts the user header without a token, with teams, and warns at every start', async () => {
    const config = trusting();
    const identity = createIdentity({ config, log: capturingLogger().log });

    const viewer = await identity.authenticate({ 'x-orgscope-key': ROUTE_KEY, 'x-grafana-user': 'erin' });

    expect(viewer).toEqual({ login: 'erin', kind: 'user', orgId: 1, teams: ['Store 0100'], via: 'user-header' });
    expect(identityStartupWarnings(config)).toEqual([expect.stringMatching(/^TRUST_USER_HEADER is on/)]);
  });

  it('still requires the route key', async () => {
    const identity = createIdentity({ config: trusting(), log: capturingLogger().log });
    await expect(identity.authenticate({ 'x-grafana-user': 'erin' })).rejects.toThrow(/^X-Orgscope-Key is missing/);
  });

  it('still refuses a present but invalid ID token', async () => {
    const identity = createIdentity({ config: trusting(), log: capturingLogger().log });
    const expired = await grafana.signIdToken({ login: 'erin' }, { issuedAtOffset: -700 });

    await expect(
      identity.authenticate({ 'x-orgscope-key': ROUTE_KEY, 'x-grafana-id': expired, 'x-grafana-user': 'erin' }),
    ).rejects.toThrow(/^ID token expired/);
  });

  it('refuses a request with neither token nor user header', async () => {
    const identity = createIdentity({ config: trusting(), log: capturingLogger().log });
    await expect(identity.authenticate({ 'x-orgscope-key': ROUTE_KEY })).rejects.toThrow(
      /^Neither X-Grafana-Id nor X-Grafana-User is present/,
    );
  });
});
