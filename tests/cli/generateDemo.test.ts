import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { arrangeSmallChain } from '../support/smallChain.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../../distributor/src/cli.ts');

async function orgscope(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('orgscope generate-demo', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await arrangeSmallChain(db.admin);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const responses = async () =>
    (await db.admin.query<{ n: number }>('SELECT count(*)::int AS n FROM cx.survey_response')).rows[0]!.n;

  it('refuses a bad size, naming the flag', async () => {
    const result = await orgscope(['generate-demo', '--responses', 'many'], { DATABASE_URL: db.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--responses must be a whole number, got "many"/);
  });

  it('refuses to add to facts already there unless asked to replace them, and changes nothing', async () => {
    const before = await responses();
    const result = await orgscope(['generate-demo', '--responses', '300'], { DATABASE_URL: db.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/replace/);
    expect(await responses()).toBe(before);
  });

  it('replaces the facts with the requested number of responses for the stores of the tree', async () => {
    const result = await orgscope(['generate-demo', '--responses', '300', '--seed', '3', '--replace'], {
      DATABASE_URL: db.url,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Generated 300 responses .* for 4 stores/);
    expect(await responses()).toBe(300);
  });
});
