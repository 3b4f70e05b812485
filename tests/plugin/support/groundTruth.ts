import type pg from 'pg';

// What each viewer should see, read past row-level security with the test database's superuser pool.
const SUBTREE = `(s.path::text = r.path::text OR s.path::text LIKE r.path::text || '.%')`;

export async function storesUnder(admin: pg.Pool, unit: string): Promise<string[]> {
  const { rows } = await admin.query<{ code: string }>(
    `SELECT s.code FROM orgscope.org_unit s, orgscope.org_unit r
     WHERE r.code = $1 AND s.kind = 'store' AND ${SUBTREE} ORDER BY s.code`,
    [unit],
  );
  return rows.map((row) => row.code);
}

export async function regionsUnder(admin: pg.Pool, unit: string): Promise<string[]> {
  const { rows } = await admin.query<{ code: string }>(
    `SELECT s.code FROM orgscope.org_unit s, orgscope.org_unit r
     WHERE r.code = $1 AND s.kind = 'region' AND ${SUBTREE} ORDER BY s.code`,
    [unit],
  );
  return rows.map((row) => row.code);
}

export async function responsesUnder(admin: pg.Pool, units: string[]): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM cx.survey_response f
     JOIN orgscope.org_unit s ON s.id = f.unit_id
     WHERE EXISTS (SELECT 1 FROM orgscope.org_unit r WHERE r.code = ANY ($1::text[]) AND ${SUBTREE})`,
    [units],
  );
  return rows[0]!.n;
}

export async function unitName(admin: pg.Pool, code: string): Promise<string> {
  const { rows } = await admin.query<{ name: string }>('SELECT name FROM orgscope.org_unit WHERE code = $1', [code]);
  return rows[0]!.name;
}

/** Real phone numbers of the customers who commented at a store. */
export async function contactPhones(admin: pg.Pool, store: string): Promise<Set<string>> {
  const { rows } = await admin.query<{ phone: string }>(
    `SELECT c.customer_phone AS phone FROM cx.survey_contact c JOIN orgscope.org_unit s ON s.id = c.unit_id
     WHERE s.code = $1 AND c.customer_phone IS NOT NULL`,
    [store],
  );
  return new Set(rows.map((row) => row.phone));
}
