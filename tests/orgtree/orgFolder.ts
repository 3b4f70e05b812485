import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type pg from 'pg';

export const DEMO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../provisioning/orgtree');

/** A scratch org folder: the demo's files, or the given ones, in a temp directory of its own. */
export interface OrgFolder {
  dir: string;
  read(file: string): Promise<string>;
  write(file: string, text: string): Promise<void>;
  /** Replaces `from` (which must occur) in `file`. */
  edit(file: string, from: string | RegExp, to: string): Promise<void>;
  remove(): Promise<void>;
}

export async function orgFolder(files?: Record<string, string>): Promise<OrgFolder> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'orgscope-orgtree-'));
  if (files) {
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  } else {
    await cp(DEMO_DIR, dir, { recursive: true });
  }
  const read = (file: string) => readFile(path.join(dir, file), 'utf8');
  const write = (file: string, text: string) => writeFile(path.join(dir, file), text);
  return {
    dir,
    read,
    write,
    edit: async (file, from, to) => {
      const text = await read(file);
      const edited = text.replace(from, to);
      if (edited === text) throw new Error(`${String(from)} not found in ${file}`);
      await write(file, edited);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The 1-based line of the first line of `text` that contains `needle`. */
export function lineOf(text: string, needle: string, after = 0): number {
  const index = text.split('\n').findIndex((line, i) => i >= after && line.includes(needle));
  if (index < 0) throw new Error(`"${needle}" not found`);
  return index + 1;
}

/** Everything the org apply writes, in a stable order: equal snapshots mean nothing changed. */
export async function snapshot(pool: pg.Pool): Promise<unknown> {
  const query = async (text: string) => (await pool.query(text)).rows;
  return {
    roles: await query('SELECT * FROM orgscope.role ORDER BY id'),
    units: await query('SELECT id, code, name, kind, parent_id, path::text FROM orgscope.org_unit ORDER BY id'),
    people: await query('SELECT * FROM orgscope.person ORDER BY id'),
    teams: await query('SELECT * FROM orgscope.team ORDER BY id'),
    mappings: await query('SELECT * FROM orgscope.mapping ORDER BY id'),
  };
}

/** The codes from the root down to `code`, read from the stored path. */
export async function pathCodes(pool: pg.Pool, code: string): Promise<string[]> {
  const { rows } = await pool.query<{ codes: string[] }>(
    `SELECT array_agg(a.code ORDER BY p.ord) AS codes
     FROM orgscope.org_unit u,
          unnest(string_to_array(u.path::text, '.')::integer[]) WITH ORDINALITY AS p (id, ord)
     JOIN orgscope.org_unit a ON a.id = p.id
     WHERE u.code = $1`,
    [code],
  );
  return rows[0]?.codes ?? [];
}

/** The mappings as `who → unit:role` lines, sorted. */
export async function mappingLines(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ line: string }>(
    `SELECT coalesce(p.login, 'team ' || t.name) || ' → ' || u.code || ':' || r.name AS line
     FROM orgscope.mapping m
     JOIN orgscope.org_unit u ON u.id = m.unit_id JOIN orgscope.role r ON r.id = m.role_id
     LEFT JOIN orgscope.person p ON p.id = m.person_id LEFT JOIN orgscope.team t ON t.id = m.team_id
     ORDER BY 1`,
  );
  return rows.map((row) => row.line);
}
