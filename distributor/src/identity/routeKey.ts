import { createHash, timingSafeEqual } from 'node:crypto';

import { OrgscopeError, unauthenticated } from '../errors.js';

/**
 * Checks the route key that Grafana's data source proxy adds from the data source's secureJsonData.
 * Both sides are hashed first so that the comparison takes the same time whatever the lengths.
 */
export function checkRouteKey(expected: string | undefined, presented: string | undefined): void {
  if (!expected) {
    throw new OrgscopeError(
      'unauthenticated',
      'ROUTE_KEY is not set, so every request is refused: set ROUTE_KEY in the distributor and the same key in the Orgscope data source in Grafana',
    );
  }
  if (presented === undefined) {
    throw unauthenticated('X-Orgscope-Key is missing: requests must come through the Orgscope data source in Grafana');
  }
  if (!timingSafeEqual(digest(expected), digest(presented))) {
    throw unauthenticated(
      'X-Orgscope-Key does not match ROUTE_KEY: set the same key in the Orgscope data source in Grafana and in the distributor',
    );
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
