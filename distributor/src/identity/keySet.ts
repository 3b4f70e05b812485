import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTHeaderParameters, type KeyLike } from 'jose';
import type { Logger } from 'pino';

import { OrgscopeError } from '../errors.js';

/** Grafana marks its key set `Cache-Control: max-age=3600`; older copies are fetched again before use. */
const KEY_SET_MAX_AGE_MS = 60 * 60 * 1000;
/** An unknown `kid` may refetch the key set at most this often, so a flood of made-up kids cannot hammer Grafana. */
const UNKNOWN_KID_COOLDOWN_MS = 30 * 1000;
const FETCH_TIMEOUT_MS = 5000;

export interface GrafanaKeySetOptions {
  /** Where Grafana serves its ID token keys: `${GRAFANA_URL}/api/signing-keys/keys`. */
  url: string;
  log: Logger;
  fetch: typeof fetch;
  now: () => Date;
}

type KeyResolver = (header: JWTHeaderParameters) => Promise<KeyLike | Uint8Array>;

interface Snapshot {
  resolve: ReturnType<typeof createLocalJWKSet>;
  fetchedAt: number;
}

/**
 * Grafana's public keys for ID tokens, fetched on first use and cached. A token whose `kid` is not in
 * the cached set triggers one refetch (Grafana rotates its key monthly), at most once per cooldown.
 */
export function createGrafanaKeySet(options: GrafanaKeySetOptions): { resolveKey: KeyResolver } {
  let snapshot: Snapshot | undefined;
  let inFlight: Promise<Snapshot> | undefined;
  let lastUnknownKidRefetch = Number.NEGATIVE_INFINITY;

  const refresh = (): Promise<Snapshot> => {
    inFlight ??= fetchKeySet(options).finally(() => (inFlight = undefined));
    return inFlight;
  };

  const current = async (): Promise<Snapshot> => {
    if (!snapshot) return (snapshot = await refresh());
    if (options.now().getTime() - snapshot.fetchedAt > KEY_SET_MAX_AGE_MS) {
      const stale = snapshot;
      snapshot = await refresh().catch((error: unknown) => staleOnFailure(options, stale, error));
    }
    return snapshot;
  };

  const resolveKey: KeyResolver = async (header) => {
    if (typeof header.kid !== 'string' || header.kid === '') {
      throw new OrgscopeError('unauthenticated', 'ID token has no kid header: Grafana always names its signing key');
    }
    const known = await current();
    try {
      return await known.resolve(header);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      const now = options.now().getTime();
      if (now - lastUnknownKidRefetch < UNKNOWN_KID_COOLDOWN_MS) throw error;
      lastUnknownKidRefetch = now;
      options.log.debug({ step: 'refetch key set' }, 'ID token names an unknown key; fetching Grafana key set again');
      snapshot = await refresh();
      return snapshot.resolve(header);
    }
  };

  return { resolveKey };
}

async function fetchKeySet(options: GrafanaKeySetOptions): Promise<Snapshot> {
  const unavailable = (why: string, cause?: unknown) =>
    new OrgscopeError('unavailable', `Grafana's key set cannot be fetched from ${options.url} (GRAFANA_URL): ${why}`, {
      cause,
    });
  let response: Response;
  try {
    response = await options.fetch(options.url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw unavailable('Grafana is unreachable; check GRAFANA_URL and that Grafana is running', error);
  }
  if (!response.ok) throw unavailable(`Grafana answered HTTP ${response.status}`);
  const body: unknown = await response.json().catch(() => undefined);
  const keySet = asKeySet(body);
  if (!keySet) throw unavailable('the answer is not a JSON Web Key Set');
  options.log.debug({ step: 'fetch key set', keys: keySet.keys.map((key) => key.kid) }, 'fetched Grafana key set');
  return { resolve: createLocalJWKSet(keySet), fetchedAt: options.now().getTime() };
}

/** Grafana answers `{"keys":null}` when it has signed nothing yet; that is an empty set, not an error. */
function asKeySet(body: unknown): JSONWebKeySet | undefined {
  if (body === null || typeof body !== 'object' || !('keys' in body)) return undefined;
  const keys = (body as { keys: unknown }).keys;
  if (keys === null) return { keys: [] };
  if (!Array.isArray(keys) || !keys.every((key) => key !== null && typeof key === 'object')) return undefined;
  return { keys: keys as JSONWebKeySet['keys'] };
}

/** Keeps verifying with the keys we have while Grafana is away, and tries again after a cooldown. */
function staleOnFailure(options: GrafanaKeySetOptions, stale: Snapshot, error: unknown): Snapshot {
  const message = error instanceof Error ? error.message : String(error);
  options.log.warn(
    { step: 'refresh key set', error: message },
    'keeping the cached Grafana key set: refreshing it failed',
  );
  const retryAt = options.now().getTime() - KEY_SET_MAX_AGE_MS + UNKNOWN_KID_COOLDOWN_MS;
  return { ...stale, fetchedAt: retryAt };
}
