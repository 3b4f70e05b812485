import type pg from 'pg';
import type { Logger } from 'pino';

import { OrgscopeError } from '../errors.js';
import { planChanges, roleColumns, summarise, type DbState, type Plan } from './diff.js';
import * as sql from './sql.js';
import type { ApplySummary, OrgFiles } from './types.js';

/**
 * Makes the org model in the database match `files` exactly, in one transaction on `pool` (the admin
 * pool: a superuser, which row-level security does not hide facts from). Units, people, teams and
 * roles missing from the files are deleted; if facts (or anything else that does not cascade) still
 * refer to one, nothing is applied and the error names each of them.
 */
export async function applyOrgFiles(pool: pg.Pool, files: OrgFiles, log: Logger): Promise<ApplySummary> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(sql.SET_LOCK_TIMEOUT);
    await client.query(sql.LOCK_ORG_TABLES);
    const plan = planChanges(await readState(client), files);
    await refuseBlockedRemovals(client, plan);
    await write(client, plan);
    await client.query('COMMIT');
    const summary = summarise(plan);
    log.info({ dir: files.dir, summary }, 'org files applied');
    return summary;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function readState(client: pg.PoolClient): Promise<DbState> {
  // One client runs one query at a time; these are small reads of the whole org model.
  const roles = await client.query(sql.SELECT_ROLES);
  const units = await client.query(sql.SELECT_UNITS);
  const people = await client.query(sql.SELECT_PEOPLE);
  const teams = await client.query(sql.SELECT_TEAMS);
  const mappings = await client.query(sql.SELECT_MAPPINGS);
  return { roles: roles.rows, units: units.rows, people: people.rows, teams: teams.rows, mappings: mappings.rows };
}

async function write(client: pg.PoolClient, plan: Plan): Promise<void> {
  const { roles, people, teams, mappings } = plan;
  await client.query(sql.DELETE_MAPPINGS, [mappings.remove]);
  await client.query(sql.UPSERT_ROLES, rolesAsColumns(plan));
  await client.query(sql.UPSERT_PEOPLE, [
    people.upsert.map((person) => person.login),
    people.upsert.map((person) => person.email),
    people.upsert.map((person) => person.name),
  ]);
  await client.query(sql.INSERT_TEAMS, [teams.add]);
  await writeUnits(client, plan);
  await client.query(sql.DELETE_PEOPLE, [people.remove.map((person) => person.id)]);
  await client.query(sql.DELETE_TEAMS, [teams.remove.map((team) => team.id)]);
  await client.query(sql.DELETE_ROLES, [roles.remove.map((role) => role.id)]);
  await client.query(sql.UPDATE_MAPPING_ROLES, [
    mappings.changeRole.map((c) => c.id),
    mappings.changeRole.map((c) => c.role),
  ]);
  await insertMappings(client, plan);
}

function rolesAsColumns(plan: Plan): unknown[] {
  const rows = plan.roles.upsert.map((role) => ({ role, ...roleColumns(role) }));
  return [
    rows.map((row) => row.role.name),
    rows.map((row) => row.role.description),
    rows.map((row) => row.can_see_rows),
    rows.map((row) => row.can_see_contacts),
    rows.map((row) => row.can_admin),
    rows.map((row) => row.can_receive_reports),
  ];
}

async function writeUnits(client: pg.PoolClient, plan: Plan): Promise<void> {
  await client.query(sql.DETACH_OLD_ROOT, [plan.rootCode]);
  for (const level of plan.unitLevels) {
    await client.query(sql.UPSERT_UNITS, [
      level.map((unit) => unit.code),
      level.map((unit) => unit.name),
      level.map((unit) => unit.kind),
      level.map((unit) => unit.parent),
    ]);
  }
  await client.query(sql.DELETE_UNITS, [plan.units.remove.map((unit) => unit.id)]);
  await client.query(sql.REFRESH_PATHS);
}

async function insertMappings(client: pg.PoolClient, plan: Plan): Promise<void> {
  const rows = plan.mappings.add;
  const result = await client.query(sql.INSERT_MAPPINGS, [
    rows.map((row) => row.login),
    rows.map((row) => row.team),
    rows.map((row) => row.unit),
    rows.map((row) => row.role),
  ]);
  // Validation guarantees every name resolves; a shortfall means the files were not checked.
  if (result.rowCount !== rows.length) {
    throw new OrgscopeError(
      'internal',
      `only ${result.rowCount} of ${rows.length} mappings could be resolved; load the files with loadOrgFiles()`,
    );
  }
}

interface Blocked {
  what: string;
  refs: string[];
}

/** Units (and people, teams, roles) that the files drop but other tables still refer to. */
async function refuseBlockedRemovals(client: pg.PoolClient, plan: Plan): Promise<void> {
  const blocked = [
    ...(await blockedIn(client, 'orgscope.org_unit', plan.units.remove, (u) => `unit ${u.code} (${u.name})`)),
    ...(await blockedIn(client, 'orgscope.person', plan.people.remove, (p) => `person ${p.login}`)),
    ...(await blockedIn(client, 'orgscope.team', plan.teams.remove, (t) => `team ${t.name}`)),
    ...(await blockedIn(client, 'orgscope.role', plan.roles.remove, (r) => `role ${r.name}`)),
  ];
  if (blocked.length === 0) return;
  const lines = blocked.map(
    (b) => `${b.what} is not in the files but cannot be removed: ${b.refs.join(', ')} refer to it`,
  );
  throw new OrgscopeError(
    'invalid_files',
    `${lines.join('\n')}\nKeep ${blocked.length === 1 ? 'it' : 'them'} in the files (a closed store can stay as a unit), or delete the rows that refer to ${blocked.length === 1 ? 'it' : 'them'} first. Nothing was applied.`,
    { details: { blocked } },
  );
}

async function blockedIn<T extends { id: number }>(
  client: pg.PoolClient,
  table: string,
  removed: T[],
  describe: (row: T) => string,
): Promise<Blocked[]> {
  if (removed.length === 0) return [];
  const ids = removed.map((row) => row.id);
  const refs = new Map<number, string[]>();
  const { rows: tables } = await client.query<{ schema: string; table: string; column: string }>(
    sql.SELECT_BLOCKING_REFERENCES,
    [table],
  );
  for (const ref of tables) {
    const quote = (identifier: string) => client.escapeIdentifier(identifier);
    const { rows } = await client.query<{ id: number; rows: string }>(sql.countReferences(quote, ref), [ids]);
    for (const row of rows) {
      refs.set(row.id, [...(refs.get(row.id) ?? []), `${row.rows} row(s) of ${ref.schema}.${ref.table}`]);
    }
  }
  return removed.filter((row) => refs.has(row.id)).map((row) => ({ what: describe(row), refs: refs.get(row.id)! }));
}
