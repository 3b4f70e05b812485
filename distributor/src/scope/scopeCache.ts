import { LRUCache } from 'lru-cache';

import type { Scope } from './types.js';

const MAX_VIEWERS = 10_000;

/**
 * Remembers resolved scopes for a few seconds, so a dashboard of twenty panels resolves its viewer
 * once. Concurrent misses for the same viewer share one lookup; a failed lookup is forgotten. A changed
 * mapping reaches viewers within `ttlMs` (0 turns the cache off).
 */
export class ScopeCache {
  private readonly entries: LRUCache<string, { scope: Promise<Scope>; expires: number }>;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = new LRUCache({ max: MAX_VIEWERS });
  }

  get(who: { login: string; teams: string[] }, resolve: () => Promise<Scope>): Promise<Scope> {
    if (this.ttlMs === 0) return resolve();
    const key = `${who.login}\u0000${[...who.teams].sort().join('\u0000')}`;
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.scope;

    const entry = { scope: resolve(), expires: this.now() + this.ttlMs };
    this.entries.set(key, entry);
    entry.scope.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.scope;
  }
}
