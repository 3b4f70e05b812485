import { describe, expect, it } from '@jest/globals';
import { SignJWT, generateKeyPair } from 'jose';

import { loadConfig } from '../config.js';

import { createIdTokenVerifier } from './idToken.js';

const config = loadConfig({ GRAFANA_URL: 'http://grafana.test:3000' });

async function setup() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  let now = new Date('2026-12-01T10:00:00Z');
  let keyLookups = 0;
  const verifier = createIdTokenVerifier({
    config,
    now: () => now,
    resolveKey: async () => {
      keyLookups += 1;
      return publicKey;
    },
  });
  const sign = (exp: Date) =>
    new SignJWT({ username: 'ann' })
      .setProtectedHeader({ alg: 'ES256', typ: 'jwt', kid: 'k1' })
      .setIssuer('http://grafana.test:3000/')
      .setAudience('org:1')
      .setSubject('user:1')
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(exp.getTime() / 1000))
      .sign(privateKey);
  return { verifier, sign, setNow: (d: Date) => (now = d), lookups: () => keyLookups };
}

describe('ID token verification cache', () => {
  it('verifies a token once and reuses the result for the same token', async () => {
    const { verifier, sign, lookups } = await setup();
    const token = await sign(new Date('2026-12-01T10:10:00Z'));
    await verifier.verify(token);
    await verifier.verify(token);
    expect(lookups()).toBe(1);
  });

  it('still refuses a remembered token once it has expired', async () => {
    const { verifier, sign, setNow } = await setup();
    const token = await sign(new Date('2026-12-01T10:00:20Z'));
    await verifier.verify(token);
    setNow(new Date('2026-12-01T10:01:00Z'));
    await expect(verifier.verify(token)).rejects.toThrow(/expired/);
  });

  it('does not remember a token that failed, nor vouch for a changed one', async () => {
    const { verifier, sign } = await setup();
    const token = await sign(new Date('2026-12-01T10:10:00Z'));
    await verifier.verify(token);
    const tampered = `${token.slice(0, -4)}AAAA`;
    await expect(verifier.verify(tampered)).rejects.toThrow(/signature|well-formed/);
  });
});
