import type { Logger } from 'pino';

import type { Config } from '../config.js';
import { OrgscopeError, unauthenticated } from '../errors.js';

import { headerLabel, quoted, singleHeader } from './headers.js';
import { createIdTokenVerifier, type GrafanaIdClaims } from './idToken.js';
import { createGrafanaKeySet } from './keySet.js';
import { checkRouteKey } from './routeKey.js';
import { createTeamDirectory, type TeamDirectory } from './teams.js';
import { ID_TOKEN_HEADER, ROUTE_KEY_HEADER, USER_HEADER, type RequestHeaders, type Viewer } from './viewer.js';

export interface IdentityDeps {
  config: Config;
  log: Logger;
  fetch?: typeof fetch;
  now?: () => Date;
}

export interface Identity {
  /**
   * Establishes who sent a request, or throws `OrgscopeError` ('unauthenticated' naming the failed check;
   * 'unavailable' when Grafana's key set cannot be fetched). `log` is the request's logger.
   */
  authenticate(headers: RequestHeaders, log?: Logger): Promise<Viewer>;
}

/** Who the viewer is: route key, then Grafana's ID token (or, if allowed, the user header), then teams. */
export function createIdentity(deps: IdentityDeps): Identity {
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const now = deps.now ?? (() => new Date());
  const keySet = createGrafanaKeySet({ url: keySetUrl(deps.config.GRAFANA_URL), log: deps.log, fetch: fetchFn, now });
  const verifier = createIdTokenVerifier({ config: deps.config, resolveKey: keySet.resolveKey, now });
  const teams = createTeamDirectory({ config: deps.config, fetch: fetchFn, now });

  const establish = async (headers: RequestHeaders, log: Logger): Promise<Viewer> => {
    checkRouteKey(deps.config.ROUTE_KEY, singleHeader(headers, ROUTE_KEY_HEADER));
    const token = singleHeader(headers, ID_TOKEN_HEADER);
    const userHeader = singleHeader(headers, USER_HEADER);
    if (token === undefined) return fromUserHeader(deps.config, userHeader, teams, log);
    const claims = await verifier.verify(token);
    const viewer = viewerFromClaims(claims, deps.config.GRAFANA_ORG_ID);
    checkUserHeader(viewer, userHeader);
    return { ...viewer, teams: await teamsOf(teams, viewer, log) };
  };

  return {
    async authenticate(headers, log = deps.log) {
      try {
        return await establish(headers, log);
      } catch (error) {
        if (error instanceof OrgscopeError) log.info({ check: error.code, reason: error.message }, 'request refused');
        throw error;
      }
    },
  };
}

/** Lines the server logs at every start: each says what is weakened and how to fix it. */
export function identityStartupWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (!config.ROUTE_KEY) {
    warnings.push(
      'ROUTE_KEY is not set: every request will be refused until it is set here and in the Orgscope data source',
    );
  }
  if (config.TRUST_USER_HEADER) {
    warnings.push(
      'TRUST_USER_HEADER is on: a request without X-Grafana-Id is accepted on X-Grafana-User alone, so identity rests on the route key only; enable ID forwarding in Grafana (10.3 and later) and turn TRUST_USER_HEADER off',
    );
  }
  if (!config.GRAFANA_SERVICE_ACCOUNT_TOKEN) {
    warnings.push(
      "GRAFANA_SERVICE_ACCOUNT_TOKEN is not set: team memberships cannot be read from Grafana, so mappings to teams do not apply; set it to an org Admin service account's token",
    );
  }
  return warnings;
}

export function keySetUrl(grafanaUrl: string): string {
  return `${grafanaUrl.replace(/\/+$/, '')}/api/signing-keys/keys`;
}

async function fromUserHeader(
  config: Config,
  login: string | undefined,
  teams: TeamDirectory | undefined,
  log: Logger,
): Promise<Viewer> {
  if (!config.TRUST_USER_HEADER) {
    throw unauthenticated(
      `${headerLabel(ID_TOKEN_HEADER)} is missing: enable ID forwarding (Grafana ≥ 10.3, feature toggle idForwarding before 11.3) so that Grafana's data source proxy forwards the viewer's ID token`,
    );
  }
  if (login === undefined) {
    throw unauthenticated(
      'Neither X-Grafana-Id nor X-Grafana-User is present: enable ID forwarding in Grafana, or set send_user_header = true under [dataproxy]',
    );
  }
  const viewer: Viewer = { login, kind: 'user', orgId: config.GRAFANA_ORG_ID, teams: [], via: 'user-header' };
  return { ...viewer, teams: await teamsOf(teams, viewer, log) };
}

/** Maps verified claims to a viewer. Only users and service accounts are served. */
function viewerFromClaims(claims: GrafanaIdClaims, orgId: number): Viewer {
  const type = claims.type ?? claims.sub.split(':')[0];
  const common = {
    orgId,
    subject: claims.sub,
    grafanaUid: claims.identifier || undefined,
    grafanaRole: claims.role || undefined,
    teams: [],
    via: 'id-token' as const,
  };
  if (type === 'service-account') return { ...common, login: claims.sub, kind: 'service-account' };
  if (type !== 'user') {
    throw unauthenticated(
      `ID token is for a ${quoted(type ?? '')} identity: Orgscope serves signed-in users and service accounts only`,
    );
  }
  if (!claims.username) {
    throw unauthenticated(
      'ID token has no "username" claim, so it names no login: upgrade Grafana to a version whose ID tokens carry the login',
    );
  }
  return {
    ...common,
    login: claims.username,
    kind: 'user',
    email: claims.email || undefined,
    name: claims.name || undefined,
  };
}

/**
 * Grafana's proxy sets X-Grafana-User to the login of users (and, in some versions, of service accounts,
 * whose token carries no login to compare with). For users it must agree with the token.
 */
function checkUserHeader(viewer: Viewer, userHeader: string | undefined): void {
  if (userHeader === undefined || viewer.kind !== 'user' || userHeader === viewer.login) return;
  throw unauthenticated(
    `X-Grafana-User ${quoted(userHeader)} does not match the ID token's login ${quoted(viewer.login)}`,
  );
}

async function teamsOf(teams: TeamDirectory | undefined, viewer: Viewer, log: Logger): Promise<string[]> {
  if (!teams || viewer.kind !== 'user') return [];
  return teams.teamsOf(viewer.login, log);
}
