import cron from 'node-cron';
import { z } from 'zod';

/**
 * A report schedule as an admin writes it, in a provisioning file or through the admin API.
 * Field names are the same in both places.
 */
const nonEmpty = z.string().trim().min(1);
const variableValue = z.union([z.string(), z.array(z.string()).min(1)]);

export const scheduleInputSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,99}$/, 'must be lower-case letters, digits, ".", "_" or "-"'),
  title: z.string().max(200).default(''),
  dashboardUid: nonEmpty.max(40),
  cron: nonEmpty,
  timeZone: nonEmpty,
  range: z.strictObject({ from: nonEmpty, to: nonEmpty }).default({ from: 'now-7d', to: 'now' }),
  variables: z
    .record(z.string().regex(/^[A-Za-z0-9_]+$/, 'variable names are letters, digits and _'), variableValue)
    .default({}),
  formats: z
    .array(z.enum(['png', 'pdf']))
    .min(1)
    .default(['png', 'pdf']),
  audience: z
    .strictObject({
      units: z.array(nonEmpty).default([]),
      roles: z.array(nonEmpty).default([]),
      people: z.array(nonEmpty).default([]),
    })
    .refine((a) => a.units.length > 0 || a.people.length > 0, 'name at least one org unit or one person'),
  paused: z.boolean().default(false),
});

export type ScheduleInput = z.infer<typeof scheduleInputSchema>;

/** A saved schedule. */
export interface Schedule extends ScheduleInput {
  id: number;
  source: 'file' | 'api';
}

/** What the validator must look up: dashboards in Grafana, units, roles and people in the org model. */
export interface ScheduleLookups {
  dashboardExists(uid: string): Promise<boolean>;
  unknownUnits(codes: string[]): Promise<string[]>;
  unknownRoles(names: string[]): Promise<string[]>;
  /** People (by login or email) who are not known, have no email, or cannot receive reports. */
  unreachablePeople(people: string[]): Promise<string[]>;
}

export type Validation = { ok: true; schedule: ScheduleInput } | { ok: false; problems: string[] };

/** Checks everything about a schedule and lists every problem found, not just the first. */
export async function validateSchedule(raw: unknown, lookups: ScheduleLookups): Promise<Validation> {
  const parsed = scheduleInputSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(schedule)'}: ${issue.message}`),
    };
  }
  const input = parsed.data;
  const problems = [
    ...cronProblems(input.cron),
    ...timeZoneProblems(input.timeZone),
    ...addressProblems(input.audience.people),
  ];
  problems.push(...(await lookupProblems(input, lookups)));
  return problems.length === 0 ? { ok: true, schedule: input } : { ok: false, problems };
}

/** Five fields (minute hour day-of-month month day-of-week): reports fire on whole minutes. */
export function cronProblems(expression: string): string[] {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    return [`cron: "${expression}" must have 5 fields (minute hour day-of-month month day-of-week), e.g. "0 8 * * 1"`];
  }
  const result = cron.validateDetailed(expression);
  return result.valid ? [] : result.errors.map((error) => `cron: ${error.field} ${error.message}`);
}

export function timeZoneProblems(timeZone: string): string[] {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return [];
  } catch {
    return [`timeZone: "${timeZone}" is not a known IANA time zone, e.g. "Asia/Shanghai"`];
  }
}

function addressProblems(people: string[]): string[] {
  return people
    .filter((entry) => entry.includes('@') && !/^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$/.test(entry))
    .map((entry) => `audience.people: "${entry}" is not a valid email address`);
}

async function lookupProblems(input: ScheduleInput, lookups: ScheduleLookups): Promise<string[]> {
  const [dashboard, units, roles, people] = await Promise.all([
    lookups.dashboardExists(input.dashboardUid),
    lookups.unknownUnits(input.audience.units),
    lookups.unknownRoles(input.audience.roles),
    lookups.unreachablePeople(
      input.audience.people.filter((p) => !p.includes('@') || addressProblems([p]).length === 0),
    ),
  ]);
  const problems: string[] = [];
  if (!dashboard) problems.push(`dashboardUid: no dashboard "${input.dashboardUid}" in Grafana`);
  for (const code of units) problems.push(`audience.units: no org unit with code "${code}"`);
  for (const name of roles) problems.push(`audience.roles: no role named "${name}"`);
  for (const who of people) {
    problems.push(`audience.people: "${who}" is not a mapped person with an email and a role that can receive reports`);
  }
  return problems;
}
