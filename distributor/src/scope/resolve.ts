import type pg from 'pg';

import { SCOPE_OF_VIEWER } from './sql.js';
import type { Permissions, Scope, UnitRef } from './types.js';

interface MappingRow {
  id: number;
  code: string;
  name: string;
  kind: string;
  path: string;
  is_root: boolean;
  role: string;
  can_see_rows: boolean;
  can_see_contacts: boolean;
  can_admin: boolean;
  can_receive_reports: boolean;
}

const NOTHING: Permissions = { seeRows: false, seeContacts: false, admin: false, receiveReports: false };

/**
 * The scope of a person: the union of the subtrees below every unit they or their teams are mapped
 * to with a role that can see rows. Contact details are unmasked only when every such mapping allows
 * them, because a single policy decides contacts for the whole scope.
 */
export async function resolveScope(admin: pg.Pool, who: { login: string; teams: string[] }): Promise<Scope> {
  const { rows } = await admin.query<{ mappings: MappingRow[]; ids: number[]; stores: number }>(SCOPE_OF_VIEWER, [
    who.login,
    who.teams,
  ]);
  const { mappings, ids, stores } = rows[0]!;
  if (mappings.length === 0) return unmapped();

  const visible = mappings.filter((row) => row.can_see_rows);
  const roots = topmost(visible);
  const coversAll = roots.some((row) => row.is_root);
  return {
    mapped: true,
    coversAll,
    unitIds: coversAll ? [] : ids,
    roots: roots.map(({ code, name, kind }) => ({ code, name, kind })),
    roles: [...new Set(mappings.map((row) => row.role))].sort(),
    permissions: {
      seeRows: visible.length > 0,
      seeContacts: visible.length > 0 && visible.every((row) => row.can_see_contacts),
      admin: mappings.some((row) => row.can_admin),
      receiveReports: mappings.some((row) => row.can_receive_reports),
    },
    storeCount: stores,
    summary: describeScope(roots, stores),
  };
}

function unmapped(): Scope {
  return {
    mapped: false,
    coversAll: false,
    unitIds: [],
    roots: [],
    roles: [],
    permissions: NOTHING,
    storeCount: 0,
    summary: 'no org unit',
  };
}

/** Drops mapped units that lie inside another mapped unit's subtree. */
function topmost(rows: MappingRow[]): MappingRow[] {
  const unique = [...new Map(rows.map((row) => [row.id, row])).values()];
  return unique.filter((row) => !unique.some((other) => other !== row && row.path.startsWith(`${other.path}.`)));
}

/** "Region East, 42 stores"; "Shanghai Nanjing Rd, Shanghai Huaihai Rd, 2 stores"; "no org unit". */
export function describeScope(roots: UnitRef[], stores: number): string {
  if (roots.length === 0) return 'no org unit';
  const names = roots.map(unitLabel);
  const shown = names.length > 3 ? [...names.slice(0, 3), `${names.length - 3} more`] : names;
  const onlyStore = roots.length === 1 && roots[0]!.kind === 'store';
  return onlyStore ? shown.join(', ') : `${shown.join(', ')}, ${stores} ${stores === 1 ? 'store' : 'stores'}`;
}

function unitLabel(unit: UnitRef): string {
  if (unit.kind === 'store' || unit.kind === 'head_office') return unit.name;
  const kind = unit.kind.replace(/_/g, ' ');
  const label = kind.charAt(0).toUpperCase() + kind.slice(1);
  return unit.name.toLowerCase().includes(kind) ? unit.name : `${label} ${unit.name}`;
}
