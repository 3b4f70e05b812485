import type pg from 'pg';

import type { Scope } from '../scope/types.js';
import { scopeKey } from '../scope/types.js';
import type { ScheduleInput } from './schedule.js';

/** A person a report goes to. */
export interface Recipient {
  personId: number;
  login: string;
  email: string;
  name: string;
}

/** Resolves a viewer's scope from the org model (scope/resolve.ts in the distributor). */
export type ResolveScope = (who: { login: string; teams: string[] }) => Promise<Scope>;

/**
 * Everyone the audience names who may receive reports: people mapped, with a role that can receive
 * reports, to a unit inside one of the audience units (limited to the audience roles when given), or
 * named people with such a mapping anywhere. People without an email are never recipients.
 */
const RECIPIENTS = `
  SELECT DISTINCT p.id AS "personId", p.login, p.email, p.name
  FROM orgscope.person p
  JOIN orgscope.mapping m ON m.person_id = p.id
  JOIN orgscope.role r ON r.id = m.role_id
  JOIN orgscope.org_unit u ON u.id = m.unit_id
  WHERE p.email IS NOT NULL AND r.can_receive_reports
    AND (
      (cardinality($3::text[]) > 0 AND (p.login = ANY($3) OR lower(p.email) = ANY($4)))
      OR (
        EXISTS (SELECT FROM orgscope.org_unit a WHERE a.code = ANY($1) AND u.path OPERATOR(ext.<@) a.path)
        AND (cardinality($2::text[]) = 0 OR r.name = ANY($2))
      )
    )
  ORDER BY p.id`;

export async function expandAudience(admin: pg.Pool, audience: ScheduleInput['audience']): Promise<Recipient[]> {
  const emails = audience.people.filter((p) => p.includes('@')).map((p) => p.toLowerCase());
  const { rows } = await admin.query<Recipient>(RECIPIENTS, [audience.units, audience.roles, audience.people, emails]);
  return rows;
}

/** Recipients who see exactly the same report: one render serves them all. */
export interface ScopeGroup {
  key: string;
  scope: Scope;
  recipients: Recipient[];
}

export interface FanOut {
  groups: ScopeGroup[];
  /** Recipients whose scope grants nothing to report on, with the reason, so none is skipped silently. */
  refused: { recipient: Recipient; scope: Scope; reason: string }[];
}

/** Resolves every recipient's effective scope and groups them by it. */
export async function fanOut(recipients: Recipient[], resolveScope: ResolveScope): Promise<FanOut> {
  const groups = new Map<string, ScopeGroup>();
  const refused: FanOut['refused'] = [];
  for (const recipient of recipients) {
    const scope = await resolveScope({ login: recipient.login, teams: [] });
    if (!scope.mapped || !scope.permissions.seeRows) {
      refused.push({ recipient, scope, reason: 'the recipient is not mapped to any unit whose rows they may see' });
      continue;
    }
    const key = scopeKey(scope);
    const group = groups.get(key) ?? { key, scope, recipients: [] };
    group.recipients.push(recipient);
    groups.set(key, group);
  }
  return { groups: [...groups.values()], refused };
}
