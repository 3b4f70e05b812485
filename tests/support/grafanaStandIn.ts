import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';

/**
 * A stand-in for Grafana in tests: a small HTTP server that behaves as Grafana's source says for the
 * parts Orgscope uses. It owns an ES256 key named like Grafana's (`id-YYYY-MM-es256`), serves the key set
 * at `/api/signing-keys/keys` in go-jose's JSON form, signs ID tokens with the claims and header of
 * pkg/services/auth/idimpl, and serves the team endpoints that an org Admin service account may read.
 */
export interface GrafanaStandIn {
  /** Base URL, without a trailing slash: what GRAFANA_URL is set to. */
  url: string;
  /** `iss` of its tokens: Grafana's root_url, which Grafana always writes with a trailing slash. */
  issuer: string;
  orgId: number;
  /** Service account token the team endpoints accept as `Authorization: Bearer`. */
  serviceAccountToken: string;
  /** kid of the current signing key. */
  readonly kid: string;
  signIdToken(user: StandInUser, overrides?: TokenOverrides): Promise<string>;
  /** A new key with the next month's kid, as Grafana's monthly rotation; old keys stay in the key set. */
  rotateKey(): Promise<string>;
  /** Sets the teams `login` is a member of (replacing earlier ones). */
  setTeams(login: string, teams: string[]): void;
  /** Makes every request whose path starts with `pathPrefix` answer `status` (undefined: behave again). */
  failPath(pathPrefix: string, status: number | undefined): void;
  /** How many requests reached `path` (without query string). */
  requestCount(path: string): number;
  stop(): Promise<void>;
}

export interface StandInUser {
  login: string;
  email?: string;
  name?: string;
  /** Numeric id: the token's `sub` is `user:<id>` or `service-account:<id>`. */
  id?: number;
  uid?: string;
  kind?: 'user' | 'service-account';
  orgId?: number;
  role?: string;
}

export interface TokenOverrides {
  /** Header fields to replace (e.g. `typ`, `kid`); undefined removes a field. */
  header?: Record<string, string | undefined>;
  /** Claims to replace or add; undefined removes a claim. */
  claims?: Record<string, unknown>;
  /** Signs with this key instead of the stand-in's own (the header still names the stand-in's kid). */
  key?: KeyLike;
  /** Seconds from now until `exp`; Grafana uses 600. Negative makes an expired token. */
  expiresIn?: number;
  /** Seconds added to now for `iat` (and the base of `exp`). */
  issuedAtOffset?: number;
}

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

const TOKEN_TTL_SECONDS = 600;

export async function startGrafanaStandIn(
  options: { orgId?: number; serviceAccountToken?: string } = {},
): Promise<GrafanaStandIn> {
  const orgId = options.orgId ?? 1;
  const serviceAccountToken = options.serviceAccountToken ?? 'glsa_standin_service_account_token';
  const keys: SigningKey[] = [await newSigningKey(monthKid(0))];
  const teamsByLogin = new Map<string, string[]>();
  const failures = new Map<string, number>();
  const counts = new Map<string, number>();

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://standin').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const failure = [...failures].find(([prefix]) => path.startsWith(prefix));
    if (failure) return json(response, failure[1], { message: 'stand-in failure' });
    route(request, response, path, { keys, teamsByLogin, orgId, serviceAccountToken });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${url}/`;

  return {
    url,
    issuer,
    orgId,
    serviceAccountToken,
    get kid() {
      return keys.at(-1)!.kid;
    },
    signIdToken: (user, overrides) => signIdToken(keys.at(-1)!, issuer, orgId, user, overrides),
    async rotateKey() {
      keys.push(await newSigningKey(monthKid(keys.length)));
      return keys.at(-1)!.kid;
    },
    setTeams: (login, teams) => void teamsByLogin.set(login, [...teams]),
    failPath: (prefix, status) => void (status === undefined ? failures.delete(prefix) : failures.set(prefix, status)),
    requestCount: (path) => counts.get(path) ?? 0,
    stop: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

interface State {
  keys: SigningKey[];
  teamsByLogin: Map<string, string[]>;
  orgId: number;
  serviceAccountToken: string;
}

function route(request: IncomingMessage, response: ServerResponse, path: string, state: State): void {
  if (request.method !== 'GET') return json(response, 405, { message: 'Method not allowed' });
  if (path === '/api/signing-keys/keys') {
    // Grafana marks the key set cacheable for an hour (signingkeysimpl exposeJWKS).
    response.setHeader('cache-control', 'public, max-age=3600');
    return json(response, 200, { keys: state.keys.map((key) => key.publicJwk) });
  }
  if (request.headers.authorization !== `Bearer ${state.serviceAccountToken}`) {
    return json(response, 401, { message: 'Unauthorized' });
  }
  if (path === '/api/teams/search') return json(response, 200, teamSearch(request, state));
  const members = /^\/api\/teams\/(\d+)\/members$/.exec(path);
  if (members) return json(response, 200, teamMembers(Number(members[1]), state));
  json(response, 404, { message: 'Not found' });
}

/** Teams sorted by name, numbered from 1, paged as Grafana's `/api/teams/search` does. */
function allTeams(state: State): { id: number; name: string }[] {
  const names = [...new Set([...state.teamsByLogin.values()].flat())].sort();
  return names.map((name, index) => ({ id: index + 1, name }));
}

function teamSearch(request: IncomingMessage, state: State) {
  const query = new URL(request.url ?? '/', 'http://standin').searchParams;
  const perPage = Number(query.get('perpage')) > 0 ? Number(query.get('perpage')) : 1000;
  const page = Number(query.get('page')) > 0 ? Number(query.get('page')) : 1;
  const teams = allTeams(state);
  const slice = teams.slice((page - 1) * perPage, page * perPage).map((team) => ({
    id: team.id,
    uid: `team-${team.id}`,
    orgId: state.orgId,
    name: team.name,
    email: '',
    avatarUrl: `/avatar/${team.id}`,
    memberCount: [...state.teamsByLogin.values()].filter((names) => names.includes(team.name)).length,
    permission: 0,
  }));
  return { totalCount: teams.length, teams: slice, page, perPage };
}

function teamMembers(teamId: number, state: State) {
  const team = allTeams(state).find((candidate) => candidate.id === teamId);
  if (!team) return [];
  const logins = [...state.teamsByLogin].filter(([, names]) => names.includes(team.name)).map(([login]) => login);
  return logins.map((login, index) => ({
    orgId: state.orgId,
    teamId,
    userId: index + 100,
    email: `${login}@example.com`,
    name: login,
    login,
    avatarUrl: '',
    labels: [],
    permission: 0,
  }));
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function newSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const { kty, crv, x, y } = await exportJWK(publicKey);
  // Field order as go-jose marshals a JSONWebKey: use, kty, kid, crv, alg, x, y.
  return { kid, privateKey, publicJwk: { use: 'sig', kty, kid, crv, alg: 'ES256', x, y } };
}

/** Grafana names its ID key after the month it was made: id-2025-03-es256. Rotation moves a month on. */
function monthKid(monthsAhead: number): string {
  const date = new Date();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + monthsAhead);
  return `id-${date.toISOString().slice(0, 7)}-es256`;
}

async function signIdToken(
  key: SigningKey,
  issuer: string,
  defaultOrgId: number,
  user: StandInUser,
  overrides: TokenOverrides = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000) + (overrides.issuedAtOffset ?? 0);
  const claims = withOverrides(grafanaClaims(user, issuer, defaultOrgId, now, overrides.expiresIn), overrides.claims);
  const header = withOverrides({ alg: 'ES256', kid: key.kid, typ: 'jwt' }, overrides.header);
  return new SignJWT(claims as JWTPayload)
    .setProtectedHeader(header as { alg: string })
    .sign(overrides.key ?? key.privateKey);
}

/** The claims Grafana's ID service signs: users get login, email and name; service accounts do not. */
function grafanaClaims(user: StandInUser, issuer: string, defaultOrgId: number, now: number, expiresIn?: number) {
  const kind = user.kind ?? 'user';
  const orgId = user.orgId ?? defaultOrgId;
  const id = user.id ?? 1;
  const claims: Record<string, unknown> = {
    iss: issuer,
    sub: `${kind}:${id}`,
    aud: `org:${orgId}`,
    exp: now + (expiresIn ?? TOKEN_TTL_SECONDS),
    iat: now,
    namespace: orgId === 1 ? 'default' : `org-${orgId}`,
    identifier: user.uid ?? `uid-${kind}-${id}`,
    type: kind,
  };
  if (kind === 'user') {
    Object.assign(claims, {
      email: user.email,
      authenticatedBy: 'password',
      username: user.login,
      name: user.name ?? user.login,
    });
  }
  if (user.role) claims.role = user.role;
  return claims;
}

function withOverrides<T extends Record<string, unknown>>(base: T, overrides?: Record<string, unknown>): T {
  const merged: Record<string, unknown> = { ...base, ...overrides };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return merged as T;
}
