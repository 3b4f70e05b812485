import { describe, expect, it } from '@jest/globals';

import { loadConfig } from '../config.js';

import { identityStartupWarnings, keySetUrl } from './identity.js';
import { expectedIssuers } from './idToken.js';

const ROUTE_KEY = 'route-key-route-key-route-key';

describe('identityStartupWarnings', () => {
  it('is empty for a fully set up distributor', () => {
    const config = loadConfig({ ROUTE_KEY, GRAFANA_SERVICE_ACCOUNT_TOKEN: 'glsa_x' });
    expect(identityStartupWarnings(config)).toEqual([]);
  });

  it('warns about a trusted user header, a missing route key and a missing service account token', () => {
    const warnings = identityStartupWarnings(loadConfig({ TRUST_USER_HEADER: 'true' }));

    expect(warnings).toEqual([
      expect.stringMatching(/^ROUTE_KEY is not set/),
      expect.stringMatching(/^TRUST_USER_HEADER is on/),
      expect.stringMatching(/^GRAFANA_SERVICE_ACCOUNT_TOKEN is not set/),
    ]);
  });
});

describe('Grafana URLs', () => {
  it("find the key set under Grafana's root URL, sub path included", () => {
    expect(keySetUrl('http://grafana:3000')).toBe('http://grafana:3000/api/signing-keys/keys');
    expect(keySetUrl('https://example.com/grafana/')).toBe('https://example.com/grafana/api/signing-keys/keys');
  });

  it('accept the issuer with and without the trailing slash Grafana writes', () => {
    expect(expectedIssuers('https://example.com/grafana')).toEqual([
      'https://example.com/grafana/',
      'https://example.com/grafana',
    ]);
    expect(expectedIssuers('http://grafana:3000/')).toEqual(['http://grafana:3000/', 'http://grafana:3000']);
  });
});
