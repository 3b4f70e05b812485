import type pg from 'pg';

import type { Schedule, ScheduleInput } from './schedule.js';

/** All SQL on orgscope_report.schedule. Values are always bound parameters. */
const COLUMNS = `id, name, title, dashboard_uid, cron, time_zone, range_from, range_to, variables, formats, audience, paused, source`;

const UPSERT = `
  INSERT INTO orgscope_report.schedule
    (name, title, dashboard_uid, cron, time_zone, range_from, range_to, variables, formats, audience, paused, source)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
  ON CONFLICT (name) DO UPDATE SET
    title = EXCLUDED.title, dashboard_uid = EXCLUDED.dashboard_uid, cron = EXCLUDED.cron,
    time_zone = EXCLUDED.time_zone, range_from = EXCLUDED.range_from, range_to = EXCLUDED.range_to,
    variables = EXCLUDED.variables, formats = EXCLUDED.formats, audience = EXCLUDED.audience,
    paused = EXCLUDED.paused, source = EXCLUDED.source, updated_at = now()
  RETURNING ${COLUMNS}`;

interface ScheduleRow {
  id: number;
  name: string;
  title: string;
  dashboard_uid: string;
  cron: string;
  time_zone: string;
  range_from: string;
  range_to: string;
  variables: Record<string, string | string[]>;
  formats: ('png' | 'pdf')[];
  audience: ScheduleInput['audience'];
  paused: boolean;
  source: 'file' | 'api';
}

function toSchedule(row: ScheduleRow): Schedule {
  return {
    id: row.id,
    name: row.name,
    title: row.title,
    dashboardUid: row.dashboard_uid,
    cron: row.cron,
    timeZone: row.time_zone,
    range: { from: row.range_from, to: row.range_to },
    variables: row.variables,
    formats: row.formats,
    audience: row.audience,
    paused: row.paused,
    source: row.source,
  };
}

function values(input: ScheduleInput, source: 'file' | 'api'): unknown[] {
  return [
    input.name,
    input.title,
    input.dashboardUid,
    input.cron,
    input.timeZone,
    input.range.from,
    input.range.to,
    JSON.stringify(input.variables),
    input.formats,
    JSON.stringify(input.audience),
    input.paused,
    source,
  ];
}

export async function saveSchedule(
  db: pg.Pool | pg.PoolClient,
  input: ScheduleInput,
  source: 'file' | 'api',
): Promise<Schedule> {
  const { rows } = await db.query<ScheduleRow>(UPSERT, values(input, source));
  return toSchedule(rows[0]!);
}

/** Changes a schedule in place (its id and occurrences stay). */
export async function updateSchedule(db: pg.Pool, id: number, input: ScheduleInput): Promise<Schedule> {
  const { rows } = await db.query<ScheduleRow>(
    `UPDATE orgscope_report.schedule SET name = $1, title = $2, dashboard_uid = $3, cron = $4, time_zone = $5,
       range_from = $6, range_to = $7, variables = $8, formats = $9, audience = $10, paused = $11, source = $12, updated_at = now()
     WHERE id = $13 RETURNING ${COLUMNS}`,
    [...values(input, 'api'), id],
  );
  return toSchedule(rows[0]!);
}

export async function listSchedules(db: pg.Pool): Promise<Schedule[]> {
  const { rows } = await db.query<ScheduleRow>(`SELECT ${COLUMNS} FROM orgscope_report.schedule ORDER BY name`);
  return rows.map(toSchedule);
}

export async function findSchedule(db: pg.Pool | pg.PoolClient, id: number): Promise<Schedule | undefined> {
  const { rows } = await db.query<ScheduleRow>(`SELECT ${COLUMNS} FROM orgscope_report.schedule WHERE id = $1`, [id]);
  return rows[0] && toSchedule(rows[0]);
}

export async function setPaused(db: pg.Pool, id: number, paused: boolean): Promise<Schedule | undefined> {
  const { rows } = await db.query<ScheduleRow>(
    `UPDATE orgscope_report.schedule SET paused = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, paused],
  );
  return rows[0] && toSchedule(rows[0]);
}

export async function deleteSchedule(db: pg.Pool, id: number): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM orgscope_report.schedule WHERE id = $1', [id]);
  return rowCount === 1;
}

/** Makes the file-provisioned schedules exactly `inputs`, in one transaction. */
export async function replaceFileSchedules(db: pg.Pool, inputs: ScheduleInput[]): Promise<Schedule[]> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const saved: Schedule[] = [];
    for (const input of inputs) saved.push(await saveSchedule(client, input, 'file'));
    await client.query(`DELETE FROM orgscope_report.schedule WHERE source = 'file' AND NOT (name = ANY($1))`, [
      inputs.map((input) => input.name),
    ]);
    await client.query('COMMIT');
    return saved;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Since when fire times of this schedule would count as missed: its last recorded fire, or when it
 * was last saved if it never fired (a new schedule has missed nothing).
 */
export async function missedSince(db: pg.Pool, scheduleId: number): Promise<Date | undefined> {
  const { rows } = await db.query<{ t: Date | null }>(
    `SELECT greatest(s.updated_at, (SELECT max(fire_time) FROM orgscope_report.occurrence o WHERE o.schedule_id = s.id AND o.kind <> 'preview')) AS t
     FROM orgscope_report.schedule s WHERE s.id = $1`,
    [scheduleId],
  );
  return rows[0]?.t ?? undefined;
}
