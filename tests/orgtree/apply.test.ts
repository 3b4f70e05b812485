import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import pino from 'pino';

import { applyOrgFiles, loadOrgFiles, type OrgFiles } from '../../distributor/src/orgtree/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { DEMO_DIR, mappingLines, orgFolder, pathCodes, snapshot } from './orgFolder.js';

const log = pino({ level: 'silent' });
const nothing = { added: 0, changed: 0, removed: 0 };

/** The org model in the database, as the files would spell it. */
async function dbAsFiles(pool: pg.Pool) {
  const units = await pool.query(
    `SELECT u.code, u.name, u.kind, p.code AS parent FROM orgscope.org_unit u
     LEFT JOIN orgscope.org_unit p ON p.id = u.parent_id ORDER BY u.code`,
  );
  const people = await pool.query('SELECT login, email, name FROM orgscope.person ORDER BY login');
  const teams = await pool.query('SELECT name FROM orgscope.team ORDER BY name');
  return { units: units.rows, people: people.rows, teams: teams.rows, mappings: await mappingLines(pool) };
}

function filesAsDb(files: OrgFiles) {
  const byKey = (key: string) => (a: Record<string, unknown>, b: Record<string, unknown>) =>
    String(a[key]) < String(b[key]) ? -1 : 1;
  return {
    units: files.units.map(({ code, name, kind, parent }) => ({ code, name, kind, parent })).sort(byKey('code')),
    people: files.people.map(({ login, email, name }) => ({ login, email, name })).sort(byKey('login')),
    teams: files.teams.map(({ name }) => ({ name })).sort(byKey('name')),
    mappings: [
      ...files.people.flatMap((p) => p.mappings.map((m) => `${p.login} → ${m.unit}:${m.role}`)),
      ...files.teams.flatMap((t) => t.mappings.map((m) => `team ${t.name} → ${m.unit}:${m.role}`)),
    ].sort(),
  };
}

describe('applying the demo chain', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('creates the whole chain on a fresh database', async () => {
    const files = await loadOrgFiles(DEMO_DIR);
    const summary = await applyOrgFiles(db.admin, files, log);

    expect(summary).toEqual({
      roles: { added: 4, changed: 0, removed: 0 },
      units: { added: 322, changed: 0, removed: 0 },
      people: { added: 305, changed: 0, removed: 0 },
      teams: { added: 1, changed: 0, removed: 0 },
      mappings: { added: 306, changed: 0, removed: 0 },
    });
    const { rows: kinds } = await db.admin.query(
      'SELECT kind, count(*)::int AS n FROM orgscope.org_unit GROUP BY kind ORDER BY kind',
    );
    expect(kinds).toEqual([
      { kind: 'area', n: 16 },
      { kind: 'head_office', n: 1 },
      { kind: 'region', n: 5 },
      { kind: 'store', n: 300 },
    ]);
    expect(await dbAsFiles(db.admin)).toEqual(filesAsDb(files));
  });

  it('puts SH001 and SH002 under EAST in different areas', async () => {
    expect(await pathCodes(db.admin, 'SH001')).toEqual(['HQ', 'EAST', 'EAST-PUXI', 'SH001']);
    expect(await pathCodes(db.admin, 'SH002')).toEqual(['HQ', 'EAST', 'EAST-PUDONG', 'SH002']);
  });

  it('maps the demo logins and the team as documented', async () => {
    const lines = await mappingLines(db.admin);
    expect(lines.filter((line) => !line.startsWith('sm.'))).toEqual([
      'admin → HQ:cx_admin',
      'east.manager → EAST:region_manager',
      'hq.analyst → HQ:analyst',
      'store.sh001 → SH001:store_manager',
      'store.sh002 → SH002:store_manager',
      'team East Area Leads → EAST-PUXI:region_manager',
    ]);
    expect(lines.filter((line) => line.startsWith('sm.'))).toHaveLength(300);
    const { rows } = await db.admin.query(
      `SELECT name, can_see_rows, can_see_contacts, can_admin, can_receive_reports FROM orgscope.role ORDER BY name`,
    );
    expect(rows).toEqual([
      { name: 'analyst', can_see_rows: true, can_see_contacts: false, can_admin: false, can_receive_reports: true },
      { name: 'cx_admin', can_see_rows: true, can_see_contacts: true, can_admin: true, can_receive_reports: true },
      {
        name: 'region_manager',
        can_see_rows: true,
        can_see_contacts: false,
        can_admin: false,
        can_receive_reports: true,
      },
      {
        name: 'store_manager',
        can_see_rows: true,
        can_see_contacts: true,
        can_admin: false,
        can_receive_reports: true,
      },
    ]);
  });

  it('changes nothing when the same files are applied again', async () => {
    const before = await snapshot(db.admin);
    const summary = await applyOrgFiles(db.admin, await loadOrgFiles(DEMO_DIR), log);
    expect(summary).toEqual({ roles: nothing, units: nothing, people: nothing, teams: nothing, mappings: nothing });
    expect(await snapshot(db.admin)).toEqual(before);
  });
});

describe('re-applying edited files', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await applyOrgFiles(db.admin, await loadOrgFiles(DEMO_DIR), log);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('renames, moves, unmaps and removes so the database matches the files exactly', async () => {
    const folder = await orgFolder();
    try {
      await folder.edit('stores.csv', 'SH001,Shanghai Nanjing Rd,', 'SH001,Shanghai Nanjing Rd Flagship,');
      await folder.edit('stores.csv', /SH003,(.*),EAST-PUXI,/, 'SH003,$1,EAST-PUDONG,');
      await folder.edit('stores.csv', /SH040,.*\n/, '');
      await folder.edit('store-managers.yaml', / {2}- login: sm\.sh040\n( {4}.*\n){3}/, '');
      await folder.edit('people.yaml', 'mappings: [{ unit: SH002, role: store_manager }]', 'mappings: []');
      await folder.edit('people.yaml', '{ unit: HQ, role: analyst }', '{ unit: EAST, role: analyst }');
      const files = await loadOrgFiles(folder.dir);

      const summary = await applyOrgFiles(db.admin, files, log);

      expect(summary).toEqual({
        roles: nothing,
        units: { added: 0, changed: 2, removed: 1 },
        people: { added: 0, changed: 0, removed: 1 },
        teams: nothing,
        mappings: { added: 1, changed: 0, removed: 3 },
      });
      expect(await dbAsFiles(db.admin)).toEqual(filesAsDb(files));
      expect(await pathCodes(db.admin, 'SH003')).toEqual(['HQ', 'EAST', 'EAST-PUDONG', 'SH003']);
      const lines = await mappingLines(db.admin);
      expect(lines).toContain('hq.analyst → EAST:analyst');
      expect(lines.filter((line) => line.startsWith('store.sh002'))).toEqual([]);

      const again = await applyOrgFiles(db.admin, await loadOrgFiles(folder.dir), log);
      expect(again).toEqual({ roles: nothing, units: nothing, people: nothing, teams: nothing, mappings: nothing });
    } finally {
      await folder.remove();
    }
  });

  it('refuses to remove a store that has facts, naming it, and applies nothing', async () => {
    const { rows } = await db.admin.query<{ id: number }>(`SELECT id FROM orgscope.org_unit WHERE code = 'SH010'`);
    await db.admin.query(
      `INSERT INTO cx.survey_response (responded_at, unit_id, channel, touchpoint, nps) VALUES (now(), $1, 'store', 'checkout', 9)`,
      [rows[0]!.id],
    );
    const folder = await orgFolder();
    try {
      await folder.edit('stores.csv', /SH010,.*\n/, '');
      await folder.edit('store-managers.yaml', / {2}- login: sm\.sh010\n( {4}.*\n){3}/, '');
      await folder.edit('stores.csv', 'SH011,Shanghai Zhongshan Park,', 'SH011,Renamed Zhongshan Park,');
      const files = await loadOrgFiles(folder.dir);
      const before = await snapshot(db.admin);

      const attempt = applyOrgFiles(db.admin, files, log);

      await expect(attempt).rejects.toMatchObject({
        code: 'invalid_files',
        message: expect.stringContaining(
          'unit SH010 (Shanghai Huamu) is not in the files but cannot be removed: 1 row(s) of cx.survey_response refer to it',
        ),
      });
      expect(await snapshot(db.admin)).toEqual(before);
    } finally {
      await folder.remove();
    }
  });
});

describe('changing the root of the tree', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  const tree = (units: string) =>
    orgFolder({ 'roles.yaml': 'roles:\n  - name: analyst\n', 'units.yaml': `units:\n${units}` });

  it('moves the old root under a new one', async () => {
    const first = await tree(
      '  - { code: HQ, name: Head Office, kind: head_office }\n  - { code: S1, name: Store, kind: store, parent: HQ }\n',
    );
    const second = await tree(
      '  - { code: GROUP, name: Group, kind: group }\n' +
        '  - { code: HQ, name: Head Office, kind: head_office, parent: GROUP }\n' +
        '  - { code: S1, name: Store, kind: store, parent: HQ }\n',
    );
    try {
      await applyOrgFiles(db.admin, await loadOrgFiles(first.dir), log);
      const summary = await applyOrgFiles(db.admin, await loadOrgFiles(second.dir), log);

      expect(summary.units).toEqual({ added: 1, changed: 1, removed: 0 });
      expect(await pathCodes(db.admin, 'S1')).toEqual(['GROUP', 'HQ', 'S1']);
    } finally {
      await first.remove();
      await second.remove();
    }
  });
});

describe('a 500-store chain', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('applies in one go, with a manager per store', async () => {
    const areas = Array.from(
      { length: 25 },
      (_, i) => `  - { code: AREA${i}, name: Area ${i}, kind: area, parent: HQ }`,
    );
    const stores = Array.from({ length: 500 }, (_, i) => `ST${i},Store ${i},Store,AREA${i % 25}`);
    const people = Array.from(
      { length: 500 },
      (_, i) => `  - { login: m${i}, email: m${i}@example.com, mappings: [{ unit: ST${i}, role: store_manager }] }`,
    );
    const folder = await orgFolder({
      'roles.yaml': 'roles:\n  - { name: store_manager, permissions: [see_rows] }\n',
      'units.yaml': `units:\n  - { code: HQ, name: Head Office, kind: head_office }\n${areas.join('\n')}\n`,
      'stores.csv': `code,name,type,parent\n${stores.join('\n')}\n`,
      'people.yaml': `people:\n${people.join('\n')}\n`,
    });
    try {
      const summary = await applyOrgFiles(db.admin, await loadOrgFiles(folder.dir), log);

      expect(summary.units.added).toBe(526);
      expect(summary.mappings.added).toBe(500);
      expect(await pathCodes(db.admin, 'ST499')).toEqual(['HQ', 'AREA24', 'ST499']);
    } finally {
      await folder.remove();
    }
  });
});
