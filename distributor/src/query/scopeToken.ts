import { createHmac } from 'node:crypto';

import type { Scope } from '../scope/types.js';

/**
 * The token that tells the row-level security policies whose scope a transaction runs under. It is
 * signed with the database's scope key (orgscope.scope_key), bound to one backend and valid until
 * `expiresAt`; orgscope_scope.claims() in the database checks all three.
 */
export function signScopeToken(secret: Buffer, scope: Scope, binding: { pid: number; expiresAt: number }): string {
  const claims = {
    pid: binding.pid,
    exp: binding.expiresAt,
    all: scope.coversAll,
    units: scope.coversAll ? [] : scope.unitIds,
    contacts: scope.permissions.seeContacts,
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64');
  const signature = createHmac('sha256', secret).update(payload).digest('hex');
  return `${payload}.${signature}`;
}
