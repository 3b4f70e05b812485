import path from 'node:path';

import pg from 'pg';
import pino from 'pino';

import { loadConfig } from '../config.js';
import { migrate } from '../db/migrate.js';
import { OrgscopeError } from '../errors.js';
import { createLogger, safeUrl } from '../logger.js';
import { applyOrgFiles } from './apply.js';
import { formatSummary } from './format.js';
import { formatProblem, loadOrgFiles } from './load.js';
import type { OrgFiles, Problem } from './types.js';

/** Where a command writes and what it reads; the CLI passes the process's own. */
export interface CommandIo {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

export const APPLY_ORG_USAGE = `apply-org [--check] DIR
    Applies the org tree, roles, people and teams in DIR (YAML and CSV files) to the database of
    DATABASE_URL in one transaction. --check only validates the files. Exit codes: 0 applied,
    2 files rejected (nothing applied), 1 any other failure.`;

/** Exit codes of apply-org. */
const OK = 0;
const FAILED = 1;
const REJECTED = 2;

export async function applyOrgCommand(args: string[], io: CommandIo): Promise<number> {
  const checkOnly = args.includes('--check');
  const rest = args.filter((arg) => arg !== '--check');
  if (rest.length !== 1 || rest[0]!.startsWith('-')) {
    io.err(`usage: orgscope ${APPLY_ORG_USAGE}`);
    return FAILED;
  }
  const dir = rest[0]!;
  const folder = path.resolve(invokedFrom(io.env), dir);
  const databaseUrl = checkOnly ? undefined : readDatabaseUrl(io);
  if (!checkOnly && databaseUrl === undefined) return FAILED;

  const files = await loadOrReport(folder, dir, io);
  if (!files) return REJECTED;
  if (checkOnly) {
    io.out(
      `${dir}: ${files.units.length} units, ${files.roles.length} roles, ${files.people.length} people, ${files.teams.length} teams; no problems`,
    );
    return OK;
  }
  return apply(files, databaseUrl!, io);
}

function readDatabaseUrl(io: CommandIo): string | undefined {
  try {
    const url = loadConfig(io.env).DATABASE_URL;
    if (url) return url;
    io.err(
      'DATABASE_URL is not set: set it to a superuser connection string of the Orgscope database, e.g. postgres://postgres:PASSWORD@127.0.0.1:5432/orgscope',
    );
  } catch (error) {
    io.err(error instanceof Error ? error.message : String(error));
  }
  return undefined;
}

/**
 * `npm run orgscope -w distributor` runs in distributor/; a folder the admin typed is relative to
 * where they typed it, which npm passes as INIT_CWD.
 */
function invokedFrom(env: NodeJS.ProcessEnv): string {
  return env.npm_lifecycle_event === 'orgscope' && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}

/** Loads the folder; problems are printed with the folder as the admin typed it. */
async function loadOrReport(folder: string, dir: string, io: CommandIo): Promise<OrgFiles | undefined> {
  try {
    return { ...(await loadOrgFiles(folder)), dir };
  } catch (error) {
    if (!(error instanceof OrgscopeError) || error.code !== 'invalid_files') throw error;
    const problems = Array.isArray(error.details) ? (error.details as Problem[]) : [];
    problems.forEach((problem) => io.err(formatProblem(problem, dir)));
    io.err(problems.length > 0 ? `${problems.length} problem(s); nothing was applied` : error.message);
    return undefined;
  }
}

async function apply(files: OrgFiles, databaseUrl: string, io: CommandIo): Promise<number> {
  const log = createLogger({ level: io.env.LOG_LEVEL ?? 'warn', destination: pino.destination(2) });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: 'orgscope-apply-org' });
  pool.on('error', () => undefined);
  try {
    // The same migrations as `npm start`, so a new database can be set up with this command alone.
    await migrate(databaseUrl, log);
    const summary = await applyOrgFiles(pool, files, log);
    io.out(`Applied ${files.dir} to ${safeUrl(databaseUrl)}`);
    formatSummary(summary).forEach((line) => io.out(line));
    return OK;
  } catch (error) {
    if (error instanceof OrgscopeError && error.code === 'invalid_files') {
      io.err(error.message);
      return REJECTED;
    }
    io.err(`apply-org failed: ${error instanceof Error ? error.message : String(error)}`);
    return FAILED;
  } finally {
    await pool.end();
  }
}
