import { createHmac, timingSafeEqual } from 'node:crypto';

import { z } from 'zod';

import { OrgscopeError } from '../errors.js';
import type { Scope } from '../scope/types.js';

/**
 * Render tickets: the scope of one recipient, signed by the distributor and bound to one run, that
 * Chromium presents as `X-Orgscope-Ticket`. The format is a compact JWS (RFC 7515) with HS256 and
 * the registered `exp`/`iat`/`aud` claims, so any JOSE library can read it (ticket.test.ts checks
 * that against jose). It is signed here with node:crypto rather than jose because jose signs and
 * verifies asynchronously only, and the query route verifies tickets on its synchronous path.
 */
const AUDIENCE = 'orgscope-render';
const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

const scopeSchema = z.object({
  mapped: z.boolean(),
  coversAll: z.boolean(),
  unitIds: z.array(z.number().int()),
  roots: z.array(z.object({ code: z.string(), name: z.string(), kind: z.string() })),
  roles: z.array(z.string()),
  permissions: z.object({
    seeRows: z.boolean(),
    seeContacts: z.boolean(),
    admin: z.boolean(),
    receiveReports: z.boolean(),
  }),
  storeCount: z.number().int(),
  summary: z.string(),
});

const claimsSchema = z.object({
  aud: z.literal(AUDIENCE),
  iat: z.number().int(),
  exp: z.number().int(),
  runId: z.string().min(1),
  scope: scopeSchema,
});

export interface TicketClaims {
  runId: string;
  scope: Scope;
}

export function issueTicket(secret: Buffer, claims: TicketClaims, ttlMs: number, now: Date): string {
  assertSecret(secret);
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new OrgscopeError('internal', 'A ticket needs a positive lifetime');
  const iat = Math.floor(now.getTime() / 1000);
  const exp = Math.ceil((now.getTime() + ttlMs) / 1000);
  const payload = base64url(JSON.stringify({ aud: AUDIENCE, iat, exp, runId: claims.runId, scope: claims.scope }));
  return `${HEADER}.${payload}.${sign(secret, `${HEADER}.${payload}`)}`;
}

/** Checks signature, audience and expiry. Throws `unauthenticated` on anything else. */
export function verifyTicket(secret: Buffer, token: string, now: Date): TicketClaims {
  assertSecret(secret);
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3 || parts[0] !== HEADER) throw refused('it is not a render ticket');

  const expected = Buffer.from(sign(secret, `${parts[0]}.${parts[1]}`));
  const given = Buffer.from(parts[2]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw refused('its signature does not match');

  const claims = claimsSchema.safeParse(parseJson(parts[1]!));
  if (!claims.success) throw refused('its claims are malformed');
  if (claims.data.exp * 1000 <= now.getTime()) throw refused('it has expired');
  return { runId: claims.data.runId, scope: claims.data.scope };
}

function refused(reason: string): OrgscopeError {
  return new OrgscopeError('unauthenticated', `The X-Orgscope-Ticket was refused: ${reason}. Render the report again.`);
}

function assertSecret(secret: Buffer): void {
  if (!Buffer.isBuffer(secret) || secret.length < 32) {
    throw new OrgscopeError('invalid_config', 'REPORT_TICKET_SECRET must be at least 32 bytes');
  }
}

function sign(secret: Buffer, input: string): string {
  return createHmac('sha256', secret).update(input).digest('base64url');
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function parseJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
