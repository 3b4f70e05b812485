import type { Scope } from './types.js';

/**
 * Remembers resolved scopes for a few seconds, so a dashboard of twenty panels resolves its viewer
 * once. Concurrent misses for the same viewer share one lookup. A changed mapping reaches viewers
 * within `ttlMs` (0 turns the cache off).
 */
export class ScopeCache {
  private readonly entries = new Map<string, { scope: Promise<Scope>; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(who: { login: string; teams: string[] }, resolve: () => Promise<Scope>): Promise<Scope> {
    if (this.ttlMs === 0) return resolve();
    const key = `${who.login}\u0000${[...who.teams].sort().join('\u0000')}`;
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.scope;

    const scope = resolve();
    this.entries.set(key, { scope, expires: this.now() + this.ttlMs });
    scope.catch(() => this.entries.delete(key));
    if (this.entries.size > 10_000) this.evictExpired();
    return scope;
  }

  private evictExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
  }
}
