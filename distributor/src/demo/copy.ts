import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import { maskEmail, maskName, maskPhone } from './mask.js';
import { HOUR_MS } from './plan.js';
import type { AuditRow } from './audits.js';
import type { OrderRow } from './orders.js';
import type { SurveyRow } from './surveys.js';

/** About this many characters go to PostgreSQL per write. */
const CHUNK_CHARS = 256 * 1024;
const SPECIAL = /[\\\t\n\r]/;

/**
 * Streams rows into `copySql` (a COPY ... FROM STDIN in text format) on `client`, formatting them as
 * they are drawn: memory stays flat however many rows there are.
 */
export async function copyRows<T>(
  client: pg.PoolClient,
  copySql: string,
  rows: Iterable<T>,
  format: (row: T) => string,
  signal?: AbortSignal,
): Promise<number> {
  let count = 0;
  function* chunks(): Generator<string> {
    let chunk = '';
    for (const row of rows) {
      chunk += format(row);
      count += 1;
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  await pipeline(Readable.from(chunks(), { objectMode: false }), client.query(copyFrom(copySql)), { signal });
  return count;
}

export function formatResponse(row: SurveyRow): string {
  const contact = row.contact;
  return line([
    row.id,
    iso(row.respondedAtMs),
    row.unitId,
    row.channel,
    row.touchpoint,
    row.nps,
    row.csat,
    text(row.comment),
    text(maskName(contact?.name ?? null)),
    text(maskPhone(contact?.phone ?? null)),
    text(maskEmail(contact?.email ?? null)),
  ]);
}

export function formatContact(row: SurveyRow): string {
  const contact = row.contact!;
  return line([row.id, row.unitId, text(contact.name), text(contact.phone), text(contact.email)]);
}

export function formatOrder(row: OrderRow): string {
  return line([
    row.id,
    iso(row.orderedAtMs),
    row.unitId,
    row.channel,
    row.status,
    row.items,
    decimal(row.amountFen),
    row.deliveryMinutes,
  ]);
}

export function formatAudit(row: AuditRow): string {
  return line([
    row.id,
    iso(row.auditedAtMs),
    row.unitId,
    row.channel,
    row.scenario,
    decimal(row.scoreHundredths),
    row.passed ? 't' : 'f',
    text(row.auditor),
    text(row.notes),
  ]);
}

/** One line of COPY text format; null is \N. A loop, not map and join: this runs per row. */
function line(values: (string | number | null)[]): string {
  let text = '';
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    text += (i === 0 ? '' : '\t') + (value === null ? '\\N' : value);
  }
  return text + '\n';
}

/** Escapes a value for COPY text format: backslash, tab and line breaks. */
export function text(value: string | null): string | null {
  if (value === null || !SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

// Date#toISOString took a third of the formatting time. Rows fall on whole seconds, so the text up to
// the hour is remembered per hour (a pure memo, bounded) and minutes and seconds are appended.
const hourPrefixes = new Map<number, string>();

/** A whole-second UTC time as ISO 8601 text, e.g. 2025-06-30T07:05:09Z. */
export function iso(ms: number): string {
  const hour = Math.floor(ms / HOUR_MS);
  let prefix = hourPrefixes.get(hour);
  if (prefix === undefined) {
    if (hourPrefixes.size > 100_000) hourPrefixes.clear();
    prefix = new Date(hour * HOUR_MS).toISOString().slice(0, 14);
    hourPrefixes.set(hour, prefix);
  }
  const seconds = Math.floor((ms - hour * HOUR_MS) / 1000);
  const minute = Math.floor(seconds / 60);
  const second = seconds - minute * 60;
  return `${prefix}${minute < 10 ? '0' : ''}${minute}:${second < 10 ? '0' : ''}${second}Z`;
}

/** A whole number of hundredths as a decimal with two places: 1234 -> "12.34". */
function decimal(hundredths: number): string {
  const whole = Math.floor(hundredths / 100);
  const rest = hundredths - whole * 100;
  return `${whole}.${rest < 10 ? '0' : ''}${rest}`;
}
