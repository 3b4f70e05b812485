import type pg from 'pg';

/** A small chain: head office, two regions, three stores each, and a warehouse that sells nothing. */
export const SMALL_CHAIN = [
  { code: 'HQ', name: '总部', kind: 'head_office', parent: null },
  { code: 'EAST', name: '华东区', kind: 'region', parent: 'HQ' },
  { code: 'WEST', name: '华西区', kind: 'region', parent: 'HQ' },
  { code: 'SH-001', name: '上海南京路店', kind: 'store', parent: 'EAST' },
  { code: 'SH-002', name: '上海徐家汇店', kind: 'store', parent: 'EAST' },
  { code: 'HZ-001', name: '杭州西湖店', kind: 'store', parent: 'EAST' },
  { code: 'CD-001', name: '成都春熙路店', kind: 'store', parent: 'WEST' },
  { code: 'CD-002', name: '成都太古里店', kind: 'store', parent: 'WEST' },
  { code: 'CQ-001', name: '重庆解放碑店', kind: 'store', parent: 'WEST' },
  { code: 'WH-EAST', name: '华东仓', kind: 'warehouse', parent: 'EAST' },
] as const;

export const STORE_CODES: readonly string[] = SMALL_CHAIN.filter((u) => u.kind === 'store').map((u) => u.code);

/**
 * Inserts the chain with plain INSERTs. `reversed` inserts the units in the opposite order (parents
 * still before children), so the same codes get different ids.
 */
export async function insertSmallChain(admin: pg.Pool, options: { reversed?: boolean } = {}): Promise<void> {
  const byLevel = [0, 1, 2].map((depth) => SMALL_CHAIN.filter((u) => level(u.code) === depth));
  for (const units of byLevel) {
    for (const unit of options.reversed ? [...units].reverse() : units) {
      await admin.query(
        `INSERT INTO orgscope.org_unit (code, name, kind, parent_id)
         VALUES ($1, $2, $3, (SELECT id FROM orgscope.org_unit WHERE code = $4))`,
        [unit.code, unit.name, unit.kind, unit.parent],
      );
    }
  }
  await admin.query('SELECT orgscope.refresh_paths()');
}

function level(code: string): number {
  const unit = SMALL_CHAIN.find((u) => u.code === code)!;
  return unit.parent === null ? 0 : 1 + level(unit.parent);
}

/**
 * An md5 per fact table of all its rows in id order, with each row's unit given by code: equal
 * digests mean equal content, whatever ids the units got.
 */
export async function factDigests(admin: pg.Pool): Promise<Record<string, string>> {
  const digest = async (table: string, key: string) => {
    const { rows } = await admin.query<{ md5: string }>(
      `SELECT md5(string_agg(u.code || '|' || (to_jsonb(t) - 'unit_id')::text, E'\\n' ORDER BY t.${key})) AS md5
       FROM ${table} t JOIN orgscope.org_unit u ON u.id = t.unit_id`,
    );
    return rows[0]!.md5;
  };
  return {
    survey_response: await digest('cx.survey_response', 'id'),
    survey_contact: await digest('cx.survey_contact', 'response_id'),
    mystery_audit: await digest('cx.mystery_audit', 'id'),
    customer_order: await digest('cx.customer_order', 'id'),
  };
}
