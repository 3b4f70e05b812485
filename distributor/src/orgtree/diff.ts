import type { ApplySummary, MappingSpec, OrgFiles, Permission, RoleSpec, UnitSpec } from './types.js';

/** The org model as the database holds it now, keyed the way the files name things. */
export interface DbState {
  roles: {
    id: number;
    name: string;
    description: string;
    can_see_rows: boolean;
    can_see_contacts: boolean;
    can_admin: boolean;
    can_receive_reports: boolean;
  }[];
  units: { id: number; code: string; name: string; kind: string; parent: string | null }[];
  people: { id: number; login: string; email: string | null; name: string }[];
  teams: { id: number; name: string }[];
  mappings: { id: number; login: string | null; team: string | null; unit: string; role: string }[];
}

export interface MappingRow {
  login: string | null;
  team: string | null;
  unit: string;
  role: string;
}

/** What must change for the database to match the files exactly. */
export interface Plan {
  roles: { upsert: RoleSpec[]; remove: { id: number; name: string }[]; added: number };
  /** Added or changed units, each level of the tree apart, root level first. */
  unitLevels: UnitSpec[][];
  units: { added: number; changed: number; remove: { id: number; code: string; name: string }[] };
  rootCode: string;
  people: { upsert: OrgFiles['people']; remove: { id: number; login: string }[]; added: number };
  teams: { add: string[]; remove: { id: number; name: string }[] };
  mappings: { add: MappingRow[]; changeRole: { id: number; role: string }[]; remove: number[] };
}

const PERMISSION_COLUMNS: Record<
  Permission,
  'can_see_rows' | 'can_see_contacts' | 'can_admin' | 'can_receive_reports'
> = {
  see_rows: 'can_see_rows',
  see_contacts: 'can_see_contacts',
  admin: 'can_admin',
  receive_reports: 'can_receive_reports',
};

export function roleColumns(role: RoleSpec) {
  const has = (permission: Permission) => role.permissions.has(permission);
  return {
    can_see_rows: has('see_rows'),
    can_see_contacts: has('see_contacts'),
    can_admin: has('admin'),
    can_receive_reports: has('receive_reports'),
  };
}

export function planChanges(db: DbState, files: OrgFiles): Plan {
  return {
    roles: planRoles(db, files),
    ...planUnits(db, files),
    people: planPeople(db, files),
    teams: planTeams(db, files),
    mappings: planMappings(db, files),
  };
}

function planRoles(db: DbState, files: OrgFiles): Plan['roles'] {
  const current = new Map(db.roles.map((role) => [role.name, role]));
  const upsert = files.roles.filter((role) => {
    const now = current.get(role.name);
    if (!now) return true;
    const wanted = roleColumns(role);
    const permissionsDiffer = (Object.values(PERMISSION_COLUMNS) as (keyof typeof wanted)[]).some(
      (c) => now[c] !== wanted[c],
    );
    return permissionsDiffer || now.description !== role.description;
  });
  const wanted = new Set(files.roles.map((role) => role.name));
  return {
    upsert,
    remove: db.roles.filter((role) => !wanted.has(role.name)),
    added: upsert.filter((role) => !current.has(role.name)).length,
  };
}

function planUnits(db: DbState, files: OrgFiles): Pick<Plan, 'unitLevels' | 'units' | 'rootCode'> {
  const current = new Map(db.units.map((unit) => [unit.code, unit]));
  const depth = new Map<string, number>();
  const unitLevels: UnitSpec[][] = [];
  let added = 0;
  let changed = 0;
  for (const unit of files.units) {
    const level = unit.parent === null ? 0 : (depth.get(unit.parent) ?? 0) + 1;
    depth.set(unit.code, level);
    const now = current.get(unit.code);
    if (now && now.name === unit.name && now.kind === unit.kind && now.parent === unit.parent) continue;
    if (now) changed++;
    else added++;
    (unitLevels[level] ??= []).push(unit);
  }
  const wanted = new Set(files.units.map((unit) => unit.code));
  return {
    unitLevels: unitLevels.filter((level) => level !== undefined),
    units: { added, changed, remove: db.units.filter((unit) => !wanted.has(unit.code)) },
    rootCode: files.units[0]?.code ?? '',
  };
}

function planPeople(db: DbState, files: OrgFiles): Plan['people'] {
  const current = new Map(db.people.map((person) => [person.login, person]));
  const upsert = files.people.filter((person) => {
    const now = current.get(person.login);
    return !now || now.email !== person.email || now.name !== person.name;
  });
  const wanted = new Set(files.people.map((person) => person.login));
  return {
    upsert,
    remove: db.people.filter((person) => !wanted.has(person.login)),
    added: upsert.filter((person) => !current.has(person.login)).length,
  };
}

function planTeams(db: DbState, files: OrgFiles): Plan['teams'] {
  const current = new Set(db.teams.map((team) => team.name));
  const wanted = new Set(files.teams.map((team) => team.name));
  return {
    add: [...wanted].filter((name) => !current.has(name)),
    remove: db.teams.filter((team) => !wanted.has(team.name)),
  };
}

const mappingKey = (row: { login: string | null; team: string | null; unit: string }) =>
  row.login !== null ? `person\u0000${row.login}\u0000${row.unit}` : `team\u0000${row.team}\u0000${row.unit}`;

function planMappings(db: DbState, files: OrgFiles): Plan['mappings'] {
  const rows = (login: string | null, team: string | null, mappings: MappingSpec[]): MappingRow[] =>
    mappings.map((mapping) => ({ login, team, unit: mapping.unit, role: mapping.role }));
  const wanted = [
    ...files.people.flatMap((person) => rows(person.login, null, person.mappings)),
    ...files.teams.flatMap((team) => rows(null, team.name, team.mappings)),
  ];
  const current = new Map(db.mappings.map((mapping) => [mappingKey(mapping), mapping]));
  const wantedKeys = new Set(wanted.map(mappingKey));
  return {
    add: wanted.filter((row) => !current.has(mappingKey(row))),
    changeRole: wanted.flatMap((row) => {
      const now = current.get(mappingKey(row));
      return now && now.role !== row.role ? [{ id: now.id, role: row.role }] : [];
    }),
    remove: db.mappings.filter((mapping) => !wantedKeys.has(mappingKey(mapping))).map((mapping) => mapping.id),
  };
}

export function summarise(plan: Plan): ApplySummary {
  return {
    roles: {
      added: plan.roles.added,
      changed: plan.roles.upsert.length - plan.roles.added,
      removed: plan.roles.remove.length,
    },
    units: { added: plan.units.added, changed: plan.units.changed, removed: plan.units.remove.length },
    people: {
      added: plan.people.added,
      changed: plan.people.upsert.length - plan.people.added,
      removed: plan.people.remove.length,
    },
    teams: { added: plan.teams.add.length, changed: 0, removed: plan.teams.remove.length },
    mappings: {
      added: plan.mappings.add.length,
      changed: plan.mappings.changeRole.length,
      removed: plan.mappings.remove.length,
    },
  };
}
