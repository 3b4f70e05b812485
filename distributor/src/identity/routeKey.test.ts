import { describe, expect, it } from '@jest/globals';

import { checkRouteKey } from './routeKey.js';

const KEY = 'a-route-key-of-thirty-two-chars!';

describe('checkRouteKey', () => {
  it('accepts the configured key', () => {
    expect(() => checkRouteKey(KEY, KEY)).not.toThrow();
  });

  it('refuses a missing, a wrong and a longer key, never echoing either key', () => {
    const messages = [undefined, 'x'.repeat(KEY.length), `${KEY}extra`].map((presented) => {
      try {
        checkRouteKey(KEY, presented);
        return 'accepted';
      } catch (error) {
        expect(error).toMatchObject({ code: 'unauthenticated' });
        return (error as Error).message;
      }
    });

    expect(messages[0]).toMatch(/^X-Orgscope-Key is missing/);
    expect(messages[1]).toMatch(/^X-Orgscope-Key does not match ROUTE_KEY/);
    expect(messages[2]).toBe(messages[1]);
    expect(messages.join(' ')).not.toContain(KEY);
  });

  it('refuses everything when no key is configured, saying to set ROUTE_KEY', () => {
    expect(() => checkRouteKey(undefined, KEY)).toThrow(/^ROUTE_KEY is not set/);
    expect(() => checkRouteKey('', '')).toThrow(/^ROUTE_KEY is not set/);
  });
});
