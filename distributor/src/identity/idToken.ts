import { errors, jwtVerify, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';

import type { Config } from '../config.js';
import { OrgscopeError, unauthenticated } from '../errors.js';

import { quoted } from './headers.js';

/** Leeway for `exp`, `nbf` and `iat` between Grafana's clock and ours. */
const CLOCK_TOLERANCE_SECONDS = 30;
/**
 * Grafana reuses an ID token until shortly before it expires, so a dashboard's panels all send the
 * same one. A token that verified is remembered (by its exact text) for this long at most, and never
 * past its own `exp`.
 */
const VERIFIED_TOKEN_TTL_MS = 60_000;
const VERIFIED_TOKENS_MAX = 10_000;
/** Grafana sets this `typ` header on ID tokens since 11.1; access tokens carry `at+jwt` instead. */
const ID_TOKEN_TYPE = 'jwt';

/** The claims Grafana puts in an ID token (pkg/services/auth/idimpl): standard ones plus its own. */
export interface GrafanaIdClaims extends JWTPayload {
  sub: string;
  /** uid of the user or service account. */
  identifier?: string;
  /** `user`, `service-account`, `anonymous`, `render`, ... */
  type?: string;
  namespace?: string;
  /** Only for users: their login. */
  username?: string;
  email?: string;
  name?: string;
  role?: string;
}

export interface IdTokenVerifier {
  verify(token: string): Promise<GrafanaIdClaims>;
}

type KeyResolver = Parameters<typeof jwtVerify>[1];

/** Verifies Grafana ID tokens: ES256 only, signed by a key of Grafana's key set, for our issuer and org. */
export function createIdTokenVerifier(deps: {
  config: Config;
  resolveKey: KeyResolver;
  now: () => Date;
}): IdTokenVerifier {
  const issuers = expectedIssuers(deps.config.GRAFANA_ISSUER ?? deps.config.GRAFANA_URL);
  const audience = `org:${deps.config.GRAFANA_ORG_ID}`;
  const verified = new LRUCache<string, { claims: GrafanaIdClaims; until: number }>({ max: VERIFIED_TOKENS_MAX });

  return {
    async verify(token) {
      const now = deps.now().getTime();
      const hit = verified.get(token);
      if (hit && hit.until > now) return hit.claims;
      try {
        const { payload } = await jwtVerify(token, deps.resolveKey, {
          algorithms: ['ES256'],
          issuer: issuers,
          audience,
          typ: ID_TOKEN_TYPE,
          requiredClaims: ['exp', 'iat', 'sub'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: deps.now(),
        });
        checkIssuedAt(payload, deps.now());
        const claims = asGrafanaClaims(payload);
        verified.set(token, { claims, until: Math.min(now + VERIFIED_TOKEN_TTL_MS, (claims.exp ?? 0) * 1000) });
        return claims;
      } catch (error) {
        throw explain(error, { issuers, audience });
      }
    },
  };
}

/** Grafana writes `iss` as its root_url with a trailing slash; accept the configured URL with or without it. */
export function expectedIssuers(configured: string): string[] {
  const bare = configured.replace(/\/+$/, '');
  return [`${bare}/`, bare];
}

function checkIssuedAt(payload: JWTPayload, now: Date): void {
  if (typeof payload.iat === 'number' && payload.iat > now.getTime() / 1000 + CLOCK_TOLERANCE_SECONDS) {
    throw unauthenticated(
      'ID token is not yet valid (issued in the future): check the clocks of Grafana and the distributor',
    );
  }
}

function asGrafanaClaims(payload: JWTPayload): GrafanaIdClaims {
  const strings = ['sub', 'identifier', 'type', 'namespace', 'username', 'email', 'name', 'role'] as const;
  for (const claim of strings) {
    if (payload[claim] !== undefined && typeof payload[claim] !== 'string') {
      throw unauthenticated(`ID token claim "${claim}" is not a string: the token was not made by Grafana`);
    }
  }
  return payload as GrafanaIdClaims;
}

/** Turns a verification failure into a message that names the failed check, without echoing the token. */
function explain(error: unknown, expected: { issuers: string[]; audience: string }): OrgscopeError {
  if (error instanceof OrgscopeError) return error;
  if (error instanceof errors.JWTExpired) {
    return unauthenticated(
      'ID token expired: Grafana issues a fresh one with each request; check the clocks if this repeats',
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) return explainClaim(error, expected);
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return unauthenticated(
      'ID token is not signed with ES256: Grafana signs ID tokens with ES256 only, so this token is refused',
    );
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return unauthenticated(
      "ID token signature does not verify with Grafana's key: the token was not issued by this Grafana",
    );
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return unauthenticated(
      "ID token names a key (kid) that is not in Grafana's key set: the token was not issued by this Grafana",
    );
  }
  return unauthenticated(
    'X-Grafana-Id is not a well-formed signed JWT: requests must come through Grafana with ID forwarding',
  );
}

function explainClaim(error: errors.JWTClaimValidationFailed, expected: { issuers: string[]; audience: string }) {
  const { claim, reason, payload } = error;
  if (reason === 'missing')
    return unauthenticated(`ID token has no "${claim}" claim: the token was not made by Grafana`);
  switch (claim) {
    case 'typ':
      return unauthenticated(
        `ID token header typ is not '${ID_TOKEN_TYPE}': only Grafana ID tokens are accepted (Grafana sets typ since 11.1; upgrade an older Grafana)`,
      );
    case 'iss':
      return unauthenticated(
        `ID token issuer ${describe(payload.iss)} is not ${expected.issuers[0]} (GRAFANA_ISSUER, default GRAFANA_URL): set GRAFANA_ISSUER to Grafana's root_url`,
      );
    case 'aud':
      return unauthenticated(
        `ID token audience ${describe(payload.aud)} is not ${expected.audience} (GRAFANA_ORG_ID): this distributor serves one Grafana organisation`,
      );
    case 'nbf':
      return unauthenticated('ID token is not yet valid (nbf): check the clocks of Grafana and the distributor');
    default:
      return unauthenticated(`ID token claim "${claim}" is invalid: the token was not made by Grafana`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return quoted(value);
  if (Array.isArray(value)) return value.map((item) => describe(item)).join(', ');
  return '(none)';
}
