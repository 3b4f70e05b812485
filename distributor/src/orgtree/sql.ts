/**
 * Every statement of the org apply. Values are always bound; rows travel as arrays that `unnest`
 * turns back into rows, so a 500-store chain is a handful of round trips, not thousands.
 */

/** Two applies at once would each compute a diff against a state the other is changing. */
export const LOCK_ORG_TABLES = `
  LOCK TABLE orgscope.role, orgscope.org_unit, orgscope.person, orgscope.team, orgscope.mapping
  IN SHARE ROW EXCLUSIVE MODE`;

export const SET_LOCK_TIMEOUT = `SET LOCAL lock_timeout = '15s'`;

export const SELECT_ROLES = `
  SELECT id, name, description, can_see_rows, can_see_contacts, can_admin, can_receive_reports
  FROM orgscope.role`;

export const SELECT_UNITS = `
  SELECT u.id, u.code, u.name, u.kind, p.code AS parent
  FROM orgscope.org_unit u LEFT JOIN orgscope.org_unit p ON p.id = u.parent_id`;

export const SELECT_PEOPLE = `SELECT id, login, email, name FROM orgscope.person`;

export const SELECT_TEAMS = `SELECT id, name FROM orgscope.team`;

export const SELECT_MAPPINGS = `
  SELECT m.id, p.login, t.name AS team, u.code AS unit, r.name AS role
  FROM orgscope.mapping m
  JOIN orgscope.org_unit u ON u.id = m.unit_id
  JOIN orgscope.role r ON r.id = m.role_id
  LEFT JOIN orgscope.person p ON p.id = m.person_id
  LEFT JOIN orgscope.team t ON t.id = m.team_id`;

/**
 * Foreign keys into `$1` (a table name) that stop a row from being deleted: NO ACTION or RESTRICT,
 * single column, pointing at `id`. Mappings are left out (the apply replaces them) and so is the
 * tree's own parent link. Reading the catalog keeps this right when other modules add tables.
 */
export const SELECT_BLOCKING_REFERENCES = `
  SELECT n.nspname AS schema, c.relname AS table, a.attname AS column
  FROM pg_catalog.pg_constraint k
  JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
  JOIN pg_catalog.pg_attribute target ON target.attrelid = k.confrelid AND target.attnum = k.confkey[1]
  WHERE k.contype = 'f' AND k.confrelid = $1::regclass AND k.confdeltype IN ('a', 'r')
    AND cardinality(k.conkey) = 1 AND target.attname = 'id'
    AND k.conrelid <> k.confrelid AND k.conrelid <> 'orgscope.mapping'::regclass
  ORDER BY 1, 2, 3`;

/**
 * How many rows of one referencing table point at each of the ids in `$1`. Table and column come
 * from the catalog (above) and are quoted with the driver's identifier escaping; the ids are bound.
 */
export function countReferences(
  quote: (identifier: string) => string,
  ref: { schema: string; table: string; column: string },
) {
  const column = quote(ref.column);
  return `SELECT ${column} AS id, count(*)::bigint AS rows FROM ${quote(ref.schema)}.${quote(ref.table)}
    WHERE ${column} = ANY ($1::integer[]) GROUP BY 1`;
}

export const DELETE_MAPPINGS = `DELETE FROM orgscope.mapping WHERE id = ANY ($1::integer[])`;

export const UPSERT_ROLES = `
  INSERT INTO orgscope.role (name, description, can_see_rows, can_see_contacts, can_admin, can_receive_reports)
  SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[], $4::boolean[], $5::boolean[], $6::boolean[])
  ON CONFLICT (name) DO UPDATE SET
    description = excluded.description, can_see_rows = excluded.can_see_rows,
    can_see_contacts = excluded.can_see_contacts, can_admin = excluded.can_admin,
    can_receive_reports = excluded.can_receive_reports`;

export const UPSERT_PEOPLE = `
  INSERT INTO orgscope.person (login, email, name)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
  ON CONFLICT (login) DO UPDATE SET email = excluded.email, name = excluded.name`;

export const INSERT_TEAMS = `
  INSERT INTO orgscope.team (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING`;

/**
 * The tree allows one unit without a parent. When the files name another root, the old one points
 * at itself until the apply gives it its new parent or deletes it; refresh_paths() would refuse the
 * loop if neither happened.
 */
export const DETACH_OLD_ROOT = `
  UPDATE orgscope.org_unit SET parent_id = id WHERE parent_id IS NULL AND code <> $1`;

/** One level of the tree: parents are written by the level before, so they can be found by code. */
export const UPSERT_UNITS = `
  INSERT INTO orgscope.org_unit (code, name, kind, parent_id)
  SELECT f.code, f.name, f.kind, p.id
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS f (code, name, kind, parent)
  LEFT JOIN orgscope.org_unit p ON p.code = f.parent
  ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, parent_id = excluded.parent_id`;

export const DELETE_UNITS = `DELETE FROM orgscope.org_unit WHERE id = ANY ($1::integer[])`;
export const DELETE_PEOPLE = `DELETE FROM orgscope.person WHERE id = ANY ($1::integer[])`;
export const DELETE_TEAMS = `DELETE FROM orgscope.team WHERE id = ANY ($1::integer[])`;
export const DELETE_ROLES = `DELETE FROM orgscope.role WHERE id = ANY ($1::integer[])`;

export const REFRESH_PATHS = `SELECT orgscope.refresh_paths()`;

export const UPDATE_MAPPING_ROLES = `
  UPDATE orgscope.mapping m SET role_id = r.id
  FROM unnest($1::integer[], $2::text[]) AS c (id, role)
  JOIN orgscope.role r ON r.name = c.role
  WHERE m.id = c.id`;

/** Each row names a person by login or a team by name (the other is null), a unit and a role. */
export const INSERT_MAPPINGS = `
  INSERT INTO orgscope.mapping (person_id, team_id, unit_id, role_id)
  SELECT p.id, t.id, u.id, r.id
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS f (login, team, unit, role)
  LEFT JOIN orgscope.person p ON p.login = f.login
  LEFT JOIN orgscope.team t ON t.name = f.team
  JOIN orgscope.org_unit u ON u.code = f.unit
  JOIN orgscope.role r ON r.name = f.role`;
