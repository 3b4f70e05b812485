import type pg from 'pg';

import type { Scope } from '../scope/types.js';
import type { Recipient } from './audience.js';

/** All SQL on occurrences and the delivery ledger. Values are always bound parameters. */

export type OccurrenceKind = 'scheduled' | 'missed' | 'manual' | 'preview';
export type DeliveryState = 'pending' | 'sending' | 'sent' | 'failed' | 'unknown';

export interface Occurrence {
  id: string;
  scheduleId: number;
  fireTime: Date;
  kind: OccurrenceKind;
  previewLogin: string | null;
  previewTo: string | null;
  state: 'queued' | 'running' | 'done' | 'failed';
}

const OCCURRENCE = `id, schedule_id AS "scheduleId", fire_time AS "fireTime", kind, preview_login AS "previewLogin",
  preview_to AS "previewTo", state`;

/** Records a fire of a schedule. Undefined when that fire time is already recorded: it runs once. */
export async function createOccurrence(
  db: pg.Pool,
  fields: { scheduleId: number; fireTime: Date; kind: OccurrenceKind; previewLogin?: string; previewTo?: string },
): Promise<Occurrence | undefined> {
  const { rows } = await db.query<Occurrence>(
    `INSERT INTO orgscope_report.occurrence (schedule_id, fire_time, kind, preview_login, preview_to)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING ${OCCURRENCE}`,
    [fields.scheduleId, fields.fireTime, fields.kind, fields.previewLogin ?? null, fields.previewTo ?? null],
  );
  return rows[0];
}

export async function findOccurrence(db: pg.Pool, id: string): Promise<Occurrence | undefined> {
  const { rows } = await db.query<Occurrence>(`SELECT ${OCCURRENCE} FROM orgscope_report.occurrence WHERE id = $1`, [
    id,
  ]);
  return rows[0];
}

export async function listOccurrences(db: pg.Pool, scheduleId: number): Promise<Record<string, unknown>[]> {
  const { rows } = await db.query(
    `SELECT ${OCCURRENCE}, recipients, renders, error, created_at AS "createdAt", finished_at AS "finishedAt"
     FROM orgscope_report.occurrence WHERE schedule_id = $1 ORDER BY fire_time DESC LIMIT 200`,
    [scheduleId],
  );
  return rows;
}

export async function markOccurrence(
  db: pg.Pool,
  id: string,
  fields: { state: Occurrence['state']; recipients?: number; renders?: number; error?: string },
): Promise<void> {
  await db.query(
    `UPDATE orgscope_report.occurrence SET state = $2, recipients = coalesce($3, recipients),
       renders = coalesce($4, renders), error = $5, finished_at = CASE WHEN $2 IN ('done', 'failed') THEN now() END
     WHERE id = $1`,
    [id, fields.state, fields.recipients ?? null, fields.renders ?? null, fields.error ?? null],
  );
}

/** Marks an occurrence done once; returns its kind to the caller that did, undefined to any other. */
export async function finishOccurrence(db: pg.Pool, id: string): Promise<OccurrenceKind | undefined> {
  const { rows } = await db.query<{ kind: OccurrenceKind }>(
    `UPDATE orgscope_report.occurrence SET state = 'done', finished_at = now() WHERE id = $1 AND state <> 'done' RETURNING kind`,
    [id],
  );
  return rows[0]?.kind;
}

export async function deliveryCounts(
  db: pg.Pool,
  occurrenceId: string,
): Promise<Partial<Record<DeliveryState, number>>> {
  const { rows } = await db.query<{ state: DeliveryState; n: number }>(
    'SELECT state, count(*)::int AS n FROM orgscope_report.delivery WHERE occurrence_id = $1 GROUP BY state',
    [occurrenceId],
  );
  return Object.fromEntries(rows.map((row) => [row.state, row.n]));
}

export interface LedgerEntry {
  recipient: Recipient;
  scopeKey: string;
  scope: Scope;
  messageId: string;
  state?: 'pending' | 'failed';
  error?: string;
}

/** Writes the ledger rows of an occurrence. Rows already there (a retried fan-out) are kept as they are. */
export async function addDeliveries(db: pg.Pool, occurrenceId: string, entries: LedgerEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO orgscope_report.delivery (occurrence_id, person_id, login, email, scope_key, scope, message_id, state, last_error)
     SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::text[], $9::text[])
     ON CONFLICT DO NOTHING`,
    [
      occurrenceId,
      entries.map((e) => e.recipient.personId),
      entries.map((e) => e.recipient.login),
      entries.map((e) => e.recipient.email),
      entries.map((e) => e.scopeKey),
      entries.map((e) => JSON.stringify(e.scope)),
      entries.map((e) => e.messageId),
      entries.map((e) => e.state ?? 'pending'),
      entries.map((e) => e.error ?? null),
    ],
  );
}

export interface Delivery {
  occurrenceId: string;
  personId: number;
  login: string;
  email: string;
  scopeKey: string;
  scope: Scope;
  state: DeliveryState;
  attempts: number;
  messageId: string;
  lastError: string | null;
  smtpResponse: string | null;
}

const DELIVERY = `occurrence_id AS "occurrenceId", person_id AS "personId", login, email, scope_key AS "scopeKey", scope,
  state, attempts, message_id AS "messageId", last_error AS "lastError", smtp_response AS "smtpResponse"`;

/**
 * Deliveries of one scope group that still need sending. A row left in 'sending' belonged to a worker
 * that died mid-send. If its message had not been handed over in full, the server cannot have
 * accepted it: it is pending again. If it had, the server may have accepted it: 'unknown', never resent.
 */
export async function claimGroup(db: pg.Pool, occurrenceId: string, key: string): Promise<Delivery[]> {
  await db.query(
    `UPDATE orgscope_report.delivery SET updated_at = now(),
       state = CASE WHEN handed_over_at IS NULL THEN 'pending' ELSE 'unknown' END,
       last_error = CASE WHEN handed_over_at IS NULL THEN 'the worker stopped before the message was sent'
                         ELSE 'the worker stopped after the message was handed over; the server may have accepted it' END
     WHERE occurrence_id = $1 AND scope_key = $2 AND state = 'sending'`,
    [occurrenceId, key],
  );
  const { rows } = await db.query<Delivery>(
    `SELECT ${DELIVERY} FROM orgscope_report.delivery WHERE occurrence_id = $1 AND scope_key = $2 AND state = 'pending'
     ORDER BY person_id`,
    [occurrenceId, key],
  );
  return rows;
}

/** Scope groups of an occurrence with deliveries still pending. */
export async function pendingGroups(db: pg.Pool, occurrenceId: string): Promise<string[]> {
  const { rows } = await db.query<{ key: string }>(
    `SELECT DISTINCT scope_key AS key FROM orgscope_report.delivery WHERE occurrence_id = $1 AND state IN ('pending', 'sending')`,
    [occurrenceId],
  );
  return rows.map((row) => row.key);
}

/**
 * pending → sending, written before the message leaves. Returns the attempt number, which fences the
 * later writes of this attempt; undefined if someone else has the delivery.
 */
export async function markSending(db: pg.Pool, d: Delivery): Promise<number | undefined> {
  const { rows } = await db.query<{ attempts: number }>(
    `UPDATE orgscope_report.delivery SET state = 'sending', attempts = attempts + 1, handed_over_at = NULL, updated_at = now()
     WHERE occurrence_id = $1 AND person_id = $2 AND state = 'pending' RETURNING attempts`,
    [d.occurrenceId, d.personId],
  );
  return rows[0]?.attempts;
}

/** Written after the whole message went to the connection and before the end of DATA. False when fenced off. */
export async function markHandedOver(db: pg.Pool, d: Delivery, attempt: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE orgscope_report.delivery SET handed_over_at = now()
     WHERE occurrence_id = $1 AND person_id = $2 AND state = 'sending' AND attempts = $3`,
    [d.occurrenceId, d.personId, attempt],
  );
  return rowCount === 1;
}

/** sending → sent | failed | unknown | pending (a transient failure, to be retried), for this attempt only. */
export async function markOutcome(
  db: pg.Pool,
  d: Delivery,
  attempt: number,
  state: Exclude<DeliveryState, 'sending'>,
  detail: { error?: string; response?: string },
): Promise<void> {
  await db.query(
    `UPDATE orgscope_report.delivery SET state = $3, last_error = $4, smtp_response = coalesce($5, smtp_response),
       updated_at = now(), sent_at = CASE WHEN $3 = 'sent' THEN now() END
     WHERE occurrence_id = $1 AND person_id = $2 AND state = 'sending' AND attempts = $6`,
    [d.occurrenceId, d.personId, state, detail.error ?? null, detail.response ?? null, attempt],
  );
}

/** Fails every pending delivery of a group with one reason (the render could not be made). */
export async function failGroup(db: pg.Pool, occurrenceId: string, key: string, reason: string): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE orgscope_report.delivery SET state = 'failed', last_error = $3, updated_at = now()
     WHERE occurrence_id = $1 AND scope_key = $2 AND state = 'pending'`,
    [occurrenceId, key, reason],
  );
  return rowCount ?? 0;
}

export async function listDeliveries(
  db: pg.Pool,
  filter: { occurrenceId?: string; state?: DeliveryState },
): Promise<Delivery[]> {
  const { rows } = await db.query<Delivery>(
    `SELECT ${DELIVERY} FROM orgscope_report.delivery
     WHERE ($1::uuid IS NULL OR occurrence_id = $1) AND ($2::text IS NULL OR state = $2)
     ORDER BY occurrence_id, person_id LIMIT 10000`,
    [filter.occurrenceId ?? null, filter.state ?? null],
  );
  return rows;
}

export async function countDeliveries(db: pg.Pool): Promise<{ state: DeliveryState; count: number }[]> {
  const { rows } = await db.query<{ state: DeliveryState; count: number }>(
    `SELECT state, count(*)::int AS count FROM orgscope_report.delivery GROUP BY state`,
  );
  return rows;
}
