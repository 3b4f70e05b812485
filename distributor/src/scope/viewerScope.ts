import type pg from 'pg';

import { OrgscopeError } from '../errors.js';
import { resolveScope } from './resolve.js';
import type { ScopeCache } from './scopeCache.js';
import type { Scope } from './types.js';

export const TICKET_HEADER = 'x-orgscope-ticket';

export interface ScopeSource {
  admin: pg.Pool;
  cache: ScopeCache;
  /** Login of the report service account, the only viewer whose report ticket is honoured. */
  reportServiceAccount?: string;
  /** Checks a report ticket and returns the recipient scope it carries; throws when it is not valid. */
  verifyTicket?: (token: string) => Scope;
}

/**
 * The scope a request runs under. A viewer's own mappings decide it, except for the report service
 * account presenting a report ticket: then the ticket's recipient scope does. A ticket from anybody
 * else is refused outright rather than ignored, so a replayed ticket never goes unnoticed.
 */
export async function scopeOf(
  source: ScopeSource,
  viewer: { login: string; kind: string; teams: string[] },
  headers: Record<string, string | string[] | undefined>,
): Promise<Scope> {
  const ticket = headers[TICKET_HEADER];
  if (ticket === undefined) return source.cache.get(viewer, () => resolveScope(source.admin, viewer));
  const isReportAccount =
    source.reportServiceAccount !== undefined &&
    viewer.kind === 'service-account' &&
    viewer.login === source.reportServiceAccount;
  if (!isReportAccount || !source.verifyTicket) {
    throw new OrgscopeError(
      'unauthenticated',
      'A report ticket is honoured only for the report service account (REPORT_SERVICE_ACCOUNT_LOGIN).',
    );
  }
  if (typeof ticket !== 'string')
    throw new OrgscopeError('unauthenticated', 'Send exactly one X-Orgscope-Ticket header.');
  return source.verifyTicket(ticket);
}
