import { OrgscopeError } from '../errors.js';

/**
 * Caps the queries one viewer may have running at once, so that one person (or one dashboard with
 * fifty panels on auto-refresh) cannot take every connection from everyone else.
 */
export class ViewerLimiter {
  private readonly running = new Map<string, number>();

  constructor(private readonly maxPerViewer: number) {}

  async run<T>(viewer: string, work: () => Promise<T>): Promise<T> {
    const current = this.running.get(viewer) ?? 0;
    if (current >= this.maxPerViewer) {
      throw new OrgscopeError(
        'too_many_requests',
        `You already have ${current} queries running, the most one viewer may run at once; wait for them to finish.`,
      );
    }
    this.running.set(viewer, current + 1);
    try {
      return await work();
    } finally {
      const left = (this.running.get(viewer) ?? 1) - 1;
      if (left === 0) this.running.delete(viewer);
      else this.running.set(viewer, left);
    }
  }
}
