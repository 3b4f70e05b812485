import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { DEMO_DIR, lineOf, orgFolder, snapshot } from './orgFolder.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `orgscope apply-org ...` as an admin would, in its own process. */
function orgscope(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
  return new Promise((resolve) => {
    execFile(
      'node',
      ['--import', 'tsx', 'distributor/src/cli.ts', ...args],
      { cwd: ROOT, env: childEnv },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('orgscope apply-org', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('applies the demo folder and prints what it did', async () => {
    const run = await orgscope(['apply-org', 'provisioning/orgtree'], { DATABASE_URL: db.url });

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('Applied provisioning/orgtree to ');
    expect(run.stdout).not.toContain('orgscope-test@');
    expect(run.stdout).toMatch(/units +322 added, 0 changed, 0 removed/);
    expect(run.stdout).toMatch(/mappings +306 added, 0 changed, 0 removed/);
    const { rows } = await db.admin.query('SELECT count(*)::int AS n FROM orgscope.person');
    expect(rows[0]).toEqual({ n: 305 });
  });

  it('lists every problem as file:line, exits 2 and applies nothing', async () => {
    const folder = await orgFolder();
    try {
      await folder.edit('units.yaml', 'parent: EAST\n', 'parent: EASTT\n');
      await folder.edit('stores.csv', 'SH002,Shanghai Lujiazui,', 'SH001,Shanghai Lujiazui,');
      await folder.edit('people.yaml', 'email: admin@orgscope.example', 'email: admin-at-orgscope.example');
      await folder.edit(
        'stores.csv',
        'Unit Code,Unit Name,Unit Type,Parent Code,City\n',
        'Unit Code,Unit Name,Unit Type,Parent Code,City\nHQ,Head office,head_office,,Shanghai\n',
      );
      const before = await snapshot(db.admin);

      const run = await orgscope(['apply-org', folder.dir], { DATABASE_URL: db.url });

      const at = (file: string) => path.join(folder.dir, file);
      const stores = await folder.read('stores.csv');
      const units = await folder.read('units.yaml');
      const managers = await folder.read('store-managers.yaml');
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([
        `${at('people.yaml')}:4: bad email "admin-at-orgscope.example": expected name@domain.tld`,
        `${at('people.yaml')}:22: unknown unit "SH002" in a mapping of person "store.sh002"`,
        `${at('store-managers.yaml')}:${lineOf(managers, 'unit: SH002')}: unknown unit "SH002" in a mapping of person "sm.sh002"`,
        `${at('stores.csv')}:2: duplicate unit code "HQ": already defined at units.yaml:3`,
        `${at('stores.csv')}:${lineOf(stores, 'Shanghai Lujiazui')}: duplicate unit code "SH001": already defined at stores.csv:${lineOf(stores, 'SH001,')}`,
        `${at('units.yaml')}:${lineOf(units, 'code: EAST-PUXI')}: unknown parent "EASTT" of unit "EAST-PUXI": no unit has that code`,
        '6 problem(s); nothing was applied',
      ]);
      expect(await snapshot(db.admin)).toEqual(before);
    } finally {
      await folder.remove();
    }
  });

  it('refuses to run without DATABASE_URL and says what to set', async () => {
    const run = await orgscope(['apply-org', 'provisioning/orgtree'], {});

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('DATABASE_URL is not set');
  });

  it('checks files without a database when asked to', async () => {
    const run = await orgscope(['apply-org', '--check', DEMO_DIR], {});

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('322 units, 4 roles, 305 people, 1 teams; no problems');
  });

  it('explains its usage for an unknown command', async () => {
    const run = await orgscope(['apply-orgs'], {});

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('unknown command "apply-orgs"');
    expect(run.stderr).toContain('apply-org [--check] DIR');
  });
});
