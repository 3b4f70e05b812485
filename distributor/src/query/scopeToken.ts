import { createHmac } from 'node:crypto';

import type { Scope } from '../scope/types.js';

/**
 * The token that tells the row-level security policies whose scope a transaction runs under. It is
 * signed with the database's scope key (orgscope.scope_key), bound to one backend and valid until
 * `expiresAt`; orgscope_scope.claims() in the database checks all three.
 */
export function signScopeToken(secret: Buffer, scope: Scope, binding: { pid: number; expiresAt: number }): string {
  const units = scope.coversAll ? [] : scope.unitIds;
  const claims = {
    pid: binding.pid,
    exp: binding.expiresAt,
    all: scope.coversAll,
    // As PostgreSQL reads them by a cast: an array literal, and a hex bit string (x...).
    units: `{${units.join(',')}}`,
    bits: unitBits(units),
    contacts: scope.permissions.seeContacts,
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64');
  const signature = createHmac('sha256', secret).update(payload).digest('hex');
  return `${payload}.${signature}`;
}

/** Hex bit string with bit n (counted from the left, as get_bit does) set for every unit id n. */
export function unitBits(unitIds: number[]): string {
  const nibbles = new Uint8Array(Math.ceil((Math.max(-1, ...unitIds) + 1) / 4));
  for (const id of unitIds) nibbles[id >> 2]! |= 8 >> (id & 3);
  return `x${Array.from(nibbles, (n) => n.toString(16)).join('')}`;
}
