// SQL of the scope module. Every value is a bound parameter.

/** The mappings that apply to a person (by login) or to any of their Grafana teams (by name). */
export const MAPPINGS_OF_VIEWER = `
  SELECT u.id, u.code, u.name, u.kind, u.path::text AS path, (u.parent_id IS NULL) AS is_root,
         r.name AS role, r.can_see_rows, r.can_see_contacts, r.can_admin, r.can_receive_reports
  FROM orgscope.mapping m
  JOIN orgscope.role r ON r.id = m.role_id
  JOIN orgscope.org_unit u ON u.id = m.unit_id
  LEFT JOIN orgscope.person p ON p.id = m.person_id
  LEFT JOIN orgscope.team t ON t.id = m.team_id
  WHERE p.login = $1 OR t.name = ANY ($2::text[])
  ORDER BY u.path, r.name`;

/** Every unit below (and including) the given paths, with the number of stores among them. */
export const UNITS_UNDER_PATHS = `
  SELECT coalesce(array_agg(id ORDER BY id), '{}') AS ids, count(*) FILTER (WHERE kind = 'store')::int AS stores
  FROM orgscope.org_unit
  WHERE path OPERATOR(ext.<@) ($1::text[])::ext.ltree[]`;

export const STORE_COUNT = `SELECT count(*)::int AS stores FROM orgscope.org_unit WHERE kind = 'store'`;

/** People who can administer mappings, to tell an unmapped viewer whom to ask. */
export const ADMIN_CONTACTS = `
  SELECT DISTINCT p.login, p.name, p.email
  FROM orgscope.mapping m
  JOIN orgscope.role r ON r.id = m.role_id AND r.can_admin
  JOIN orgscope.person p ON p.id = m.person_id
  ORDER BY p.login
  LIMIT 3`;
