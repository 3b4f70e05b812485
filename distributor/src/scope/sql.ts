// SQL of the scope module. Every value is a bound parameter.

/**
 * In one round trip: the mappings that apply to a person (by login) or to any of their Grafana teams
 * (by name), and every unit in the subtrees of those whose role can see rows, with the store count.
 */
export const SCOPE_OF_VIEWER = `
  WITH granted AS (
    SELECT u.id, u.code, u.name, u.kind, u.path, (u.parent_id IS NULL) AS is_root,
           r.name AS role, r.can_see_rows, r.can_see_contacts, r.can_admin, r.can_receive_reports
    FROM orgscope.mapping m
    JOIN orgscope.role r ON r.id = m.role_id
    JOIN orgscope.org_unit u ON u.id = m.unit_id
    LEFT JOIN orgscope.person p ON p.id = m.person_id
    LEFT JOIN orgscope.team t ON t.id = m.team_id
    WHERE p.login = $1 OR t.name = ANY ($2::text[])
  ),
  visible AS (
    SELECT DISTINCT u.id, u.kind
    FROM orgscope.org_unit u
    JOIN granted g ON g.can_see_rows AND u.path OPERATOR(ext.<@) g.path
  )
  SELECT
    (SELECT coalesce(json_agg(g ORDER BY g.path, g.role), '[]') FROM
       (SELECT id, code, name, kind, path::text AS path, is_root, role, can_see_rows, can_see_contacts, can_admin,
               can_receive_reports FROM granted) g) AS mappings,
    (SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM visible) AS ids,
    (SELECT count(*)::int FROM visible WHERE kind = 'store') AS stores`;

/** People who can administer mappings, to tell an unmapped viewer whom to ask. */
export const ADMIN_CONTACTS = `
  SELECT DISTINCT p.login, p.name, p.email
  FROM orgscope.mapping m
  JOIN orgscope.role r ON r.id = m.role_id AND r.can_admin
  JOIN orgscope.person p ON p.id = m.person_id
  ORDER BY p.login
  LIMIT 3`;
