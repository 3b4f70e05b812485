import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportSPKI, generateKeyPair, importJWK, SignJWT, type JWK, type KeyLike } from 'jose';

import { createIdentity, type Identity } from '../../distributor/src/identity/index.js';
import { startGrafanaStandIn, type GrafanaStandIn } from '../support/grafanaStandIn.js';

import { capturingLogger, configFor, ROUTE_KEY } from './setup.js';

const alice = {
  login: 'alice',
  email: 'alice@snacks.example',
  name: 'Alice Wang',
  id: 5,
  uid: 'u-alice',
  role: 'Viewer',
};

describe('identity from Grafana ID tokens', () => {
  let grafana: GrafanaStandIn;
  let identity: Identity;
  const captured = capturingLogger();

  beforeAll(async () => {
    grafana = await startGrafanaStandIn();
    identity = createIdentity({ config: configFor(grafana.url), log: captured.log });
  });

  afterAll(async () => {
    await grafana.stop();
  });

  const headers = (token?: string, extra: Record<string, string> = {}) => ({
    'x-orgscope-key': ROUTE_KEY,
    ...(token === undefined ? {} : { 'x-grafana-id': token }),
    ...extra,
  });

  const refusal = async (request: Record<string, string | string[]>) => {
    const error = await identity.authenticate(request).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ code: 'unauthenticated', status: 401 });
    return (error as Error).message;
  };

  it('turns a valid token into a viewer with login, email, name, uid, role and org', async () => {
    const token = await grafana.signIdToken(alice);

    const viewer = await identity.authenticate(headers(token, { 'x-grafana-user': 'alice' }));

    expect(viewer).toEqual({
      login: 'alice',
      email: 'alice@snacks.example',
      name: 'Alice Wang',
      kind: 'user',
      grafanaUid: 'u-alice',
      subject: 'user:5',
      orgId: 1,
      grafanaRole: 'Viewer',
      teams: [],
      via: 'id-token',
    });
  });

  it('recognises a service account by the subject Grafana gives it', async () => {
    const token = await grafana.signIdToken({ login: 'sa-1-reports', id: 9, uid: 'sa-uid', kind: 'service-account' });

    const viewer = await identity.authenticate(headers(token));

    expect(viewer).toMatchObject({ kind: 'service-account', login: 'service-account:9', grafanaUid: 'sa-uid' });
  });

  it('refuses a request without the route key', async () => {
    const token = await grafana.signIdToken(alice);
    expect(await refusal({ 'x-grafana-id': token })).toMatch(/^X-Orgscope-Key is missing: requests must come through/);
  });

  it('refuses a wrong route key of the same length and one of another length alike', async () => {
    const token = await grafana.signIdToken(alice);
    const sameLength = ROUTE_KEY.replace(/.$/, 'X');

    const wrong = await refusal({ ...headers(token), 'x-orgscope-key': sameLength });
    const shorter = await refusal({ ...headers(token), 'x-orgscope-key': 'short' });

    expect(wrong).toMatch(/^X-Orgscope-Key does not match ROUTE_KEY/);
    expect(shorter).toBe(wrong);
    expect(wrong).not.toContain(ROUTE_KEY);
  });

  it('refuses the route key sent twice', async () => {
    const token = await grafana.signIdToken(alice);
    expect(await refusal({ ...headers(token), 'x-orgscope-key': [ROUTE_KEY, ROUTE_KEY] })).toMatch(
      /sent more than once/,
    );
  });

  it('refuses every request when ROUTE_KEY is unset, saying to set it', async () => {
    const noKey = createIdentity({
      config: { ...configFor(grafana.url), ROUTE_KEY: undefined },
      log: captured.log,
    });
    const token = await grafana.signIdToken(alice);

    await expect(noKey.authenticate(headers(token))).rejects.toThrow(/ROUTE_KEY is not set.*set ROUTE_KEY/);
  });

  it('refuses a request without an ID token, saying how to enable ID forwarding', async () => {
    expect(await refusal(headers())).toMatch(/^X-Grafana-Id is missing: enable ID forwarding \(Grafana ≥ 10\.3/);
  });

  it('refuses X-Grafana-User alone when TRUST_USER_HEADER is off', async () => {
    expect(await refusal(headers(undefined, { 'x-grafana-user': 'alice' }))).toMatch(/^X-Grafana-Id is missing/);
  });

  it('refuses a garbage token', async () => {
    expect(await refusal(headers('not.a.token'))).toMatch(/^X-Grafana-Id is not a well-formed signed JWT/);
  });

  it('refuses an unsigned token (alg none)', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = JSON.parse(Buffer.from((await grafana.signIdToken(alice)).split('.')[1]!, 'base64url').toString());
    const unsigned = `${encode({ alg: 'none', typ: 'jwt', kid: grafana.kid })}.${encode(claims)}.`;

    expect(await refusal(headers(unsigned))).toMatch(/^ID token is not signed with ES256/);
  });

  it('refuses HS256, also when the secret is the public key Grafana publishes', async () => {
    const keySet = (await (await fetch(`${grafana.url}/api/signing-keys/keys`)).json()) as { keys: JWK[] };
    const publicKeyPem = await exportSPKI((await importJWK(keySet.keys[0]!, 'ES256')) as KeyLike);
    const publicKeyBytes = new TextEncoder().encode(publicKeyPem);
    const claims = { sub: 'user:1', username: 'mallory', aud: 'org:1', iss: grafana.issuer, type: 'user' };
    const forge = (secret: Uint8Array) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'jwt', kid: grafana.kid })
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(secret);

    expect(await refusal(headers(await forge(publicKeyBytes)))).toMatch(/^ID token is not signed with ES256/);
    expect(await refusal(headers(await forge(new TextEncoder().encode('guessed-secret-guessed-secret-32'))))).toMatch(
      /^ID token is not signed with ES256/,
    );
  });

  it('refuses RS256 from a key of its own', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await grafana.signIdToken(alice, { header: { alg: 'RS256' }, key: privateKey });
    expect(await refusal(headers(token))).toMatch(/^ID token is not signed with ES256/);
  });

  it("refuses a token signed by another ES256 key that claims Grafana's kid", async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await grafana.signIdToken(alice, { key: privateKey });
    expect(await refusal(headers(token))).toMatch(/^ID token signature does not verify with Grafana's key/);
  });

  it('refuses an expired token', async () => {
    const token = await grafana.signIdToken(alice, { issuedAtOffset: -700 });
    expect(await refusal(headers(token))).toMatch(/^ID token expired/);
  });

  it('refuses a token that is not yet valid', async () => {
    const issuedLater = await grafana.signIdToken(alice, { issuedAtOffset: 300 });
    const notBefore = await grafana.signIdToken(alice, { claims: { nbf: Math.floor(Date.now() / 1000) + 300 } });

    expect(await refusal(headers(issuedLater))).toMatch(/^ID token is not yet valid/);
    expect(await refusal(headers(notBefore))).toMatch(/^ID token is not yet valid/);
  });

  it('refuses a token for another organisation, naming both audiences', async () => {
    const token = await grafana.signIdToken({ ...alice, orgId: 2 });
    expect(await refusal(headers(token))).toMatch(/^ID token audience 'org:2' is not org:1 \(GRAFANA_ORG_ID\)/);
  });

  it('refuses a token from another issuer', async () => {
    const token = await grafana.signIdToken(alice, { claims: { iss: 'https://grafana.elsewhere.example/' } });
    expect(await refusal(headers(token))).toMatch(
      new RegExp(`^ID token issuer 'https://grafana.elsewhere.example/' is not ${grafana.issuer} \\(GRAFANA_ISSUER`),
    );
  });

  it('refuses a token with another typ, such as an access token', async () => {
    const token = await grafana.signIdToken(alice, { header: { typ: 'at+jwt' } });
    const untyped = await grafana.signIdToken(alice, { header: { typ: undefined } });

    expect(await refusal(headers(token))).toMatch(/^ID token header typ is not 'jwt'/);
    expect(await refusal(headers(untyped))).toMatch(/^ID token header typ is not 'jwt'/);
  });

  it('refuses a token without exp', async () => {
    const token = await grafana.signIdToken(alice, { claims: { exp: undefined } });
    expect(await refusal(headers(token))).toMatch(/^ID token has no "exp" claim/);
  });

  it("refuses X-Grafana-User that differs from the token's login", async () => {
    const token = await grafana.signIdToken(alice);
    expect(await refusal(headers(token, { 'x-grafana-user': 'bob' }))).toBe(
      "X-Grafana-User 'bob' does not match the ID token's login 'alice'",
    );
  });

  it('refuses identities that are neither users nor service accounts', async () => {
    const token = await grafana.signIdToken(alice, { claims: { type: 'anonymous', sub: 'anonymous:0' } });
    expect(await refusal(headers(token))).toMatch(/^ID token is for a 'anonymous' identity/);
  });

  it('never writes the key or a token into its logs, and logs each refusal at info', async () => {
    const token = await grafana.signIdToken(alice, { header: { typ: 'at+jwt' } });
    await refusal(headers(token));

    expect(captured.text()).not.toContain(ROUTE_KEY);
    expect(captured.text()).not.toContain(token.split('.')[2]);
    expect(captured.lines()).toContainEqual(
      expect.objectContaining({ level: 30, msg: 'request refused', reason: expect.stringMatching(/typ/) }),
    );
  });
});
