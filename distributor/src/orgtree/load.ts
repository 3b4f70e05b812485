import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import { OrgscopeError } from '../errors.js';
import { readCsvFile } from './csvFile.js';
import type { OrgFiles, Problem } from './types.js';
import { validateOrg } from './validate.js';
import { emptyContents, readYamlFile, type FileContents } from './yamlFile.js';

const READERS: Record<string, (file: string, source: string) => FileContents> = {
  '.yaml': readYamlFile,
  '.yml': readYamlFile,
  '.csv': readCsvFile,
};

/**
 * Reads every `.yaml`, `.yml` and `.csv` file under `dir` (subfolders included, other files ignored)
 * and checks them. Throws `OrgscopeError('invalid_files')` whose `details` lists every problem
 * (`Problem[]`, files relative to `dir`) before anything could touch a database.
 */
export async function loadOrgFiles(dir: string): Promise<OrgFiles> {
  const files = await listFiles(dir);
  const all = emptyContents();
  for (const file of files) {
    const read = READERS[path.extname(file).toLowerCase()]!;
    const contents = read(file, await readFile(path.join(dir, file), 'utf8'));
    all.roles.push(...contents.roles);
    all.units.push(...contents.units);
    all.people.push(...contents.people);
    all.teams.push(...contents.teams);
    all.problems.push(...contents.problems);
  }

  const { problems, units } = validateOrg(all);
  const every = sortProblems([...all.problems, ...problems]);
  if (every.length > 0) {
    throw new OrgscopeError(
      'invalid_files',
      `${every.length} problem(s) in the org files under ${dir}; nothing was applied`,
      {
        details: every,
      },
    );
  }
  return { dir, roles: all.roles, units, people: all.people, teams: all.teams };
}

async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    throw new OrgscopeError(
      'invalid_files',
      `cannot read the org folder ${dir}: check the path (it must be a folder)`,
      {
        cause: error,
        details: [],
      },
    );
  }
  return entries
    .filter(
      (entry) => entry.isFile() && !entry.name.startsWith('.') && path.extname(entry.name).toLowerCase() in READERS,
    )
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort(yamlBeforeCsv);
}

/** YAML first: the CSV export usually hangs stores under areas the YAML defines, so duplicates point there. */
function yamlBeforeCsv(a: string, b: string): number {
  const csv = (file: string) => (path.extname(file).toLowerCase() === '.csv' ? 1 : 0);
  return csv(a) - csv(b) || a.localeCompare(b);
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** One line per problem, as editors and terminals link them. */
export function formatProblem(problem: Problem, dir?: string): string {
  const file = dir === undefined || problem.file === '.' ? problem.file : path.join(dir, problem.file);
  return `${file}:${problem.line}: ${problem.message}`;
}
