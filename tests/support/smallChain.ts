import type pg from 'pg';

/**
 * A small chain with known rows, for tests that must know exactly what each viewer should see.
 *
 *   HQ ─┬─ EAST ─┬─ EAST-A ─┬─ S1
 *       │        │          └─ S2
 *       │        └─ EAST-B ─── S3
 *       └─ WEST ──── WEST-A ─── S4
 *
 * Store Sn has 3·n survey responses (NPS n), n mystery audits and 2·n orders; area EAST-A has one
 * response of its own (a regional campaign). Every response has contact details.
 */
export const UNITS = [
  { code: 'HQ', name: 'Head office', kind: 'head_office', parent: null },
  { code: 'EAST', name: 'East', kind: 'region', parent: 'HQ' },
  { code: 'WEST', name: 'West', kind: 'region', parent: 'HQ' },
  { code: 'EAST-A', name: 'East A', kind: 'area', parent: 'EAST' },
  { code: 'EAST-B', name: 'East B', kind: 'area', parent: 'EAST' },
  { code: 'WEST-A', name: 'West A', kind: 'area', parent: 'WEST' },
  { code: 'S1', name: 'Store One', kind: 'store', parent: 'EAST-A' },
  { code: 'S2', name: 'Store Two', kind: 'store', parent: 'EAST-A' },
  { code: 'S3', name: 'Store Three', kind: 'store', parent: 'EAST-B' },
  { code: 'S4', name: 'Store Four', kind: 'store', parent: 'WEST-A' },
] as const;

export type UnitCode = (typeof UNITS)[number]['code'];

/** Responses per unit (the fixture's ground truth). */
export const RESPONSES: Partial<Record<UnitCode, number>> = { 'EAST-A': 1, S1: 3, S2: 6, S3: 9, S4: 12 };
export const AUDITS: Partial<Record<UnitCode, number>> = { S1: 1, S2: 2, S3: 3, S4: 4 };
export const ORDERS: Partial<Record<UnitCode, number>> = { S1: 2, S2: 4, S3: 6, S4: 8 };

export const ROLES = [
  { name: 'analyst', rows: true, contacts: false, admin: false, reports: true },
  { name: 'region_manager', rows: true, contacts: false, admin: false, reports: true },
  { name: 'store_manager', rows: true, contacts: true, admin: false, reports: true },
  { name: 'cx_admin', rows: true, contacts: true, admin: true, reports: true },
] as const;

/** Viewers of every kind, what they are mapped to, and the units they must see. */
export const VIEWERS = {
  headOffice: { login: 'hq.analyst', units: ['HQ'], role: 'analyst', sees: UNITS.map((u) => u.code), contacts: false },
  region: {
    login: 'east.manager',
    units: ['EAST'],
    role: 'region_manager',
    sees: ['EAST', 'EAST-A', 'EAST-B', 'S1', 'S2', 'S3'],
    contacts: false,
  },
  area: {
    login: 'east-a.lead',
    units: ['EAST-A'],
    role: 'region_manager',
    sees: ['EAST-A', 'S1', 'S2'],
    contacts: false,
  },
  store: { login: 'store.s1', units: ['S1'], role: 'store_manager', sees: ['S1'], contacts: true },
  multiUnit: { login: 'store.s1s4', units: ['S1', 'S4'], role: 'store_manager', sees: ['S1', 'S4'], contacts: true },
  teamMapped: {
    login: 'west.lead',
    units: [],
    role: 'region_manager',
    sees: ['WEST', 'WEST-A', 'S4'],
    contacts: false,
  },
  unmapped: { login: 'nobody', units: [], role: null, sees: [], contacts: false },
} as const satisfies Record<
  string,
  { login: string; units: readonly UnitCode[]; role: string | null; sees: readonly UnitCode[]; contacts: boolean }
>;

export const TEAM = { name: 'West Leads', unit: 'WEST', role: 'region_manager', members: ['west.lead'] } as const;
export const ADMIN = { login: 'chain.admin', name: 'Chain Admin', email: 'admin@chain.example' } as const;

export const contactName = (code: string, n: number) => `Customer ${code}-${n}`;

/** Writes the chain as the superuser and returns unit ids by code. */
export async function arrangeSmallChain(admin: pg.Pool): Promise<Record<UnitCode, number>> {
  const ids = {} as Record<UnitCode, number>;
  for (const unit of UNITS) {
    const { rows } = await admin.query<{ id: number }>(
      'INSERT INTO orgscope.org_unit (code, name, kind, parent_id) VALUES ($1, $2, $3, $4) RETURNING id',
      [unit.code, unit.name, unit.kind, unit.parent ? ids[unit.parent] : null],
    );
    ids[unit.code] = rows[0]!.id;
  }
  await admin.query('SELECT orgscope.refresh_paths()');
  await arrangePeople(admin, ids);
  await arrangeFacts(admin, ids);
  await admin.query('ANALYZE');
  return ids;
}

async function arrangePeople(admin: pg.Pool, ids: Record<UnitCode, number>): Promise<void> {
  for (const r of ROLES) {
    await admin.query(
      'INSERT INTO orgscope.role (name, can_see_rows, can_see_contacts, can_admin, can_receive_reports) VALUES ($1, $2, $3, $4, $5)',
      [r.name, r.rows, r.contacts, r.admin, r.reports],
    );
  }
  const map = async (person: string | null, team: string | null, unit: UnitCode, role: string) =>
    admin.query(
      `INSERT INTO orgscope.mapping (person_id, team_id, unit_id, role_id)
       VALUES ((SELECT id FROM orgscope.person WHERE login = $1), (SELECT id FROM orgscope.team WHERE name = $2), $3,
               (SELECT id FROM orgscope.role WHERE name = $4))`,
      [person, team, ids[unit], role],
    );
  for (const viewer of Object.values(VIEWERS)) {
    await admin.query('INSERT INTO orgscope.person (login, email, name) VALUES ($1, $2, $1)', [
      viewer.login,
      `${viewer.login}@chain.example`,
    ]);
    for (const unit of viewer.units) await map(viewer.login, null, unit, viewer.role!);
  }
  await admin.query('INSERT INTO orgscope.person (login, email, name) VALUES ($1, $2, $3)', [
    ADMIN.login,
    ADMIN.email,
    ADMIN.name,
  ]);
  await map(ADMIN.login, null, 'HQ', 'cx_admin');
  await admin.query('INSERT INTO orgscope.team (name) VALUES ($1)', [TEAM.name]);
  await map(null, TEAM.name, TEAM.unit, TEAM.role);
}

async function arrangeFacts(admin: pg.Pool, ids: Record<UnitCode, number>): Promise<void> {
  for (const [code, count] of Object.entries(RESPONSES) as [UnitCode, number][]) {
    const nps = code.startsWith('S') ? Number(code.slice(1)) : 10;
    for (let n = 1; n <= count; n += 1) {
      const name = contactName(code, n);
      const phone = `1380000${String(n).padStart(4, '0')}`;
      const email = `c${n}@${code.toLowerCase()}.example`;
      await admin.query(
        `WITH r AS (
           INSERT INTO cx.survey_response (responded_at, unit_id, channel, touchpoint, nps, csat, comment,
             customer_name_masked, customer_phone_masked, customer_email_masked)
           VALUES (timestamptz '2026-11-01T00:00:00Z' + $2 * interval '1 hour', $1, 'store', 'checkout', $3, 4, 'fine',
             orgscope.mask_name($4), orgscope.mask_phone($5), orgscope.mask_email($6))
           RETURNING id, unit_id)
         INSERT INTO cx.survey_contact (response_id, unit_id, customer_name, customer_phone, customer_email)
         SELECT id, unit_id, $4, $5, $6 FROM r`,
        [ids[code], n, nps, name, phone, email],
      );
    }
  }
  for (const [code, count] of Object.entries(AUDITS) as [UnitCode, number][]) {
    await admin.query(
      `INSERT INTO cx.mystery_audit (audited_at, unit_id, channel, scenario, score, passed, auditor)
       SELECT timestamptz '2026-11-02T10:00:00Z' + g * interval '1 day', $1, 'store', 'checkout', 80, true, 'A. Auditor'
       FROM generate_series(1, $2) g`,
      [ids[code], count],
    );
  }
  for (const [code, count] of Object.entries(ORDERS) as [UnitCode, number][]) {
    await admin.query(
      `INSERT INTO cx.customer_order (ordered_at, unit_id, channel, status, items, amount)
       SELECT timestamptz '2026-11-03T12:00:00Z' + g * interval '1 hour', $1, 'meituan', 'delivered', 2, 25.50
       FROM generate_series(1, $2) g`,
      [ids[code], count],
    );
  }
}
