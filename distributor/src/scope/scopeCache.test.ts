import { describe, expect, it } from '@jest/globals';

import { ScopeCache } from './scopeCache.js';
import type { Scope } from './types.js';

const scope = (summary: string): Scope => ({
  mapped: true,
  coversAll: false,
  unitIds: [1],
  roots: [],
  roles: [],
  permissions: { seeRows: true, seeContacts: false, admin: false, receiveReports: false },
  storeCount: 1,
  summary,
});

describe('ScopeCache', () => {
  it('reuses a scope within its lifetime and resolves again after it', async () => {
    let now = 0;
    let lookups = 0;
    const cache = new ScopeCache(5000, () => now);
    const resolve = async () => scope(`lookup ${++lookups}`);
    const who = { login: 'ann', teams: ['b', 'a'] };

    expect((await cache.get(who, resolve)).summary).toBe('lookup 1');
    now = 4999;
    expect((await cache.get({ login: 'ann', teams: ['a', 'b'] }, resolve)).summary).toBe('lookup 1');
    now = 5000;
    expect((await cache.get(who, resolve)).summary).toBe('lookup 2');
  });

  it('keeps viewers and team sets apart', async () => {
    const cache = new ScopeCache(5000, () => 0);
    await cache.get({ login: 'ann', teams: [] }, async () => scope('ann'));
    expect((await cache.get({ login: 'bob', teams: [] }, async () => scope('bob'))).summary).toBe('bob');
    expect((await cache.get({ login: 'ann', teams: ['x'] }, async () => scope('ann in x'))).summary).toBe('ann in x');
  });

  it('shares one lookup between concurrent misses and forgets failures', async () => {
    const cache = new ScopeCache(5000, () => 0);
    let lookups = 0;
    const failing = async () => {
      lookups += 1;
      throw new Error('database down');
    };
    const who = { login: 'ann', teams: [] };
    await expect(Promise.all([cache.get(who, failing), cache.get(who, failing)])).rejects.toThrow('database down');
    expect(lookups).toBe(1);
    expect((await cache.get(who, async () => scope('after'))).summary).toBe('after');
  });

  it('resolves every time when the lifetime is 0', async () => {
    const cache = new ScopeCache(0, () => 0);
    let lookups = 0;
    await cache.get({ login: 'ann', teams: [] }, async () => scope(String(++lookups)));
    await cache.get({ login: 'ann', teams: [] }, async () => scope(String(++lookups)));
    expect(lookups).toBe(2);
  });
});
