/*
 * Turns a failed check of "Save & test" into a sentence that says what to change. Grafana's data
 * source proxy rewrites a 401 from the distributor into a 400 whose body is the fixed text
 * "Authentication to data source failed", dropping the distributor's own message, so that case names
 * every setting that can cause it.
 */
import type { FetchError } from '@grafana/runtime';

import type { DistributorError } from './types.js';

const PROXY_AUTH_FAILED = 'Authentication to data source failed';

export function isFetchError(error: unknown): error is FetchError {
  return typeof error === 'object' && error !== null && 'status' in error && 'data' in error;
}

export function explainTestFailure(error: unknown, distributorUrl: string): string {
  if (!isFetchError(error)) {
    return `The test could not run: ${error instanceof Error ? error.message : String(error)}`;
  }
  const said = distributorMessage(error);
  const status = error.status ?? 0;

  if (status === 502 || status === 504 || status === 0) {
    return `Grafana cannot reach the distributor at ${distributorUrl}. Check Distributor URL: it is the address as Grafana's server (not your browser) reaches it, e.g. http://distributor:3100.`;
  }
  if (status === 404) {
    return `${distributorUrl} answers, but not as an Orgscope distributor (no ${error.config?.url ?? 'route'}). Check Distributor URL.`;
  }
  if (status === 503) {
    return `The distributor runs but is not ready: ${said ?? 'its database cannot be reached'}. Check its DATABASE_URL and that PostgreSQL is up.`;
  }
  if (said === PROXY_AUTH_FAILED) {
    return [
      'The distributor refused this Grafana.',
      "Check that Route key equals the distributor's ROUTE_KEY;",
      'that Grafana forwards ID tokens (Grafana 10.3 to 11.2: grafana.ini [feature_toggles] idForwarding = true);',
      "and that the distributor's GRAFANA_URL reaches this Grafana's /api/signing-keys/keys.",
    ].join(' ');
  }
  if (status === 401 || status === 403) {
    return `The distributor refused the request: ${said ?? `HTTP ${status}`}. ${hintFor(said ?? '')}`.trim();
  }
  return `The distributor answered HTTP ${status}: ${said ?? error.statusText ?? 'no message'}.`;
}

function hintFor(message: string): string {
  if (/X-Orgscope-Key|route key|ROUTE_KEY/i.test(message)) {
    return 'Set Route key in this data source to the value of ROUTE_KEY of the distributor.';
  }
  if (/X-Grafana-Id|ID token/i.test(message)) {
    return "Turn on ID forwarding (Grafana 10.3 to 11.2: grafana.ini [feature_toggles] idForwarding = true), and check that the distributor's GRAFANA_URL and GRAFANA_ISSUER match this Grafana's root_url.";
  }
  if (/X-Grafana-User/i.test(message)) {
    return 'Set grafana.ini [dataproxy] send_user_header = true.';
  }
  if (/plugin proxy route access denied/i.test(message)) {
    return 'This needs the Admin role in this Grafana organisation.';
  }
  return '';
}

function distributorMessage(error: FetchError): string | undefined {
  const body = error.data as unknown;
  if (typeof body === 'string') {
    return body.trim() || undefined;
  }
  if (body && typeof body === 'object') {
    return (body as DistributorError).message;
  }
  return undefined;
}
