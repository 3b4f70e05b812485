import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import type { Logger } from 'pino';
import type pg from 'pg';
import { parse as parseYaml } from 'yaml';

import { OrgscopeError } from '../errors.js';
import { validateSchedule, type ScheduleInput, type ScheduleLookups } from './schedule.js';
import { replaceFileSchedules } from './scheduleStore.js';

/**
 * Loads every `*.yaml` / `*.yml` file of `dir` (each `schedules: [...]`) and makes them the
 * file-provisioned schedules. Any problem in any file: nothing is saved, and the error lists them all.
 */
export async function loadScheduleFiles(
  dir: string,
  deps: { admin: pg.Pool; lookups: ScheduleLookups; log: Logger },
): Promise<number> {
  const files = (await readdir(dir)).filter((file) => /\.ya?ml$/.test(file)).sort();
  const problems: string[] = [];
  const schedules: ScheduleInput[] = [];

  for (const file of files) {
    const found = await readScheduleFile(path.join(dir, file), deps.lookups);
    problems.push(...found.problems.map((problem) => `${file}: ${problem}`));
    schedules.push(...found.schedules);
  }
  problems.push(...duplicateNames(schedules));
  if (problems.length > 0) {
    throw new OrgscopeError('invalid_files', `Report schedules in ${dir} are invalid: ${problems.join('; ')}`, {
      details: problems,
    });
  }

  await replaceFileSchedules(deps.admin, schedules);
  deps.log.info({ dir, schedules: schedules.length }, 'report schedules loaded from files');
  return schedules.length;
}

async function readScheduleFile(
  file: string,
  lookups: ScheduleLookups,
): Promise<{ problems: string[]; schedules: ScheduleInput[] }> {
  let document: unknown;
  try {
    document = parseYaml(await readFile(file, 'utf8'));
  } catch (error) {
    return { problems: [`cannot be read as YAML (${(error as Error).message.split('\n')[0]})`], schedules: [] };
  }
  const list = (document as { schedules?: unknown } | null)?.schedules;
  if (!Array.isArray(list)) return { problems: ['must be a mapping with a "schedules" list'], schedules: [] };

  const problems: string[] = [];
  const schedules: ScheduleInput[] = [];
  for (const [index, raw] of list.entries()) {
    const result = await validateSchedule(raw, lookups);
    if (result.ok) schedules.push(result.schedule);
    else problems.push(...result.problems.map((problem) => `schedules[${index}].${problem}`));
  }
  return { problems, schedules };
}

function duplicateNames(schedules: ScheduleInput[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const { name } of schedules) (seen.has(name) ? repeated : seen).add(name);
  return [...repeated].map((name) => `schedule name "${name}" is used more than once`);
}
