import { describe, expect, it } from '@jest/globals';
import { jwtVerify, SignJWT } from 'jose';

import type { Scope } from '../scope/types.js';
import { issueTicket, verifyTicket } from './ticket.js';

const secret = Buffer.from('a-render-ticket-secret-of-32-bytes-or-more');
const now = new Date('2026-12-07T00:00:00Z');
const scope: Scope = {
  mapped: true,
  coversAll: false,
  unitIds: [3, 7],
  roots: [{ code: 'S001', name: 'Store 1', kind: 'store' }],
  roles: ['store_manager'],
  permissions: { seeRows: true, seeContacts: false, admin: false, receiveReports: true },
  storeCount: 1,
  summary: 'Store 1, 1 store',
};

describe('render tickets', () => {
  it('carries the run and the scope to the verifier', () => {
    const token = issueTicket(secret, { runId: 'run-1', scope }, 60_000, now);
    expect(verifyTicket(secret, token, new Date(now.getTime() + 59_000))).toEqual({ runId: 'run-1', scope });
  });

  it('refuses an expired ticket', () => {
    const token = issueTicket(secret, { runId: 'run-1', scope }, 60_000, now);
    expect(() => verifyTicket(secret, token, new Date(now.getTime() + 60_000))).toThrow(/expired/);
  });

  it('refuses a ticket whose scope was changed', () => {
    const [header, payload, signature] = issueTicket(secret, { runId: 'run-1', scope }, 60_000, now).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    claims.scope.coversAll = true;
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect(() => verifyTicket(secret, forged, now)).toThrow(/signature/);
  });

  it('refuses a ticket signed with another key, and garbage', () => {
    const other = issueTicket(
      Buffer.from('another-secret-that-is-32-bytes-long!!'),
      { runId: 'r', scope },
      60_000,
      now,
    );
    expect(() => verifyTicket(secret, other, now)).toThrow(expect.objectContaining({ code: 'unauthenticated' }));
    expect(() => verifyTicket(secret, 'not.a.ticket', now)).toThrow(
      expect.objectContaining({ code: 'unauthenticated' }),
    );
    expect(() => verifyTicket(secret, '', now)).toThrow(expect.objectContaining({ code: 'unauthenticated' }));
  });

  it('refuses an unsigned token (alg none)', () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const [, payload] = issueTicket(secret, { runId: 'run-1', scope }, 60_000, now).split('.');
    expect(() => verifyTicket(secret, `${header}.${payload}.`, now)).toThrow(/not a render ticket/);
  });

  it('is a standard HS256 JWS that jose reads, and reads what jose signs', async () => {
    const token = issueTicket(secret, { runId: 'run-2', scope }, 60_000, now);
    const { payload } = await jwtVerify(token, secret, { audience: 'orgscope-render', currentDate: now });
    expect(payload.runId).toBe('run-2');

    const fromJose = await new SignJWT({ runId: 'run-3', scope })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setAudience('orgscope-render')
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(now.getTime() / 1000) + 60)
      .sign(secret);
    expect(verifyTicket(secret, fromJose, now).runId).toBe('run-3');
  });

  it('refuses a short secret at issue time', () => {
    expect(() => issueTicket(Buffer.from('short'), { runId: 'r', scope }, 1000, now)).toThrow(/32 bytes/);
  });
});
