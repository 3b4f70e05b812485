import { OrgscopeError } from '../errors.js';

/**
 * The Go type names Grafana's data frames carry in `typeInfo.frame`. These are the ones its PostgreSQL
 * data source produces; every one of them is nullable there, whatever the column's NOT NULL says.
 */
export type FrameType = 'int16' | 'int32' | 'int64' | 'float64' | 'bool' | 'string' | 'time.Time' | 'json.RawMessage';

/** PostgreSQL type OIDs that get a type of their own; every other type becomes a string. */
export const PG_OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  json: 114,
  float4: 700,
  float8: 701,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  jsonb: 3802,
} as const;

/** Maps a column's type OID to the frame type Grafana's PostgreSQL data source gives it. */
export function frameTypeForOid(oid: number): FrameType {
  switch (oid) {
    case PG_OID.int2:
      return 'int16';
    case PG_OID.int4:
      return 'int32';
    case PG_OID.int8:
      return 'int64';
    case PG_OID.float4:
    case PG_OID.float8:
    case PG_OID.numeric:
      return 'float64';
    case PG_OID.bool:
      return 'bool';
    case PG_OID.timestamptz:
    case PG_OID.timestamp:
    case PG_OID.date:
      return 'time.Time';
    case PG_OID.json:
    case PG_OID.jsonb:
      return 'json.RawMessage';
    default:
      return 'string';
  }
}

/**
 * Turns a value as node-postgres returns it (default type parsers, `rowMode: 'array'`) into the value
 * the frame holds: numbers for numeric types (int8 and numeric arrive as strings), epoch milliseconds
 * for times, PostgreSQL's text form for everything shown as a string. null stays null.
 */
export function toFrameValue(value: unknown, type: FrameType, oid: number, column: string): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'int16':
    case 'int32':
    case 'int64':
    case 'float64':
      return typeof value === 'number' ? value : Number(value);
    case 'bool':
      return typeof value === 'boolean' ? value : value === 't' || value === 'true';
    case 'time.Time':
      return toEpochMs(value, oid, column);
    case 'json.RawMessage':
      return typeof value === 'string' ? parseJsonText(value) : value;
    case 'string':
      return toPgText(value);
  }
}

/**
 * node-postgres reads `timestamp` and `date` (no time zone) as local wall-clock time; Grafana reads
 * them as UTC. Rebuilding the instant from the local fields gives Grafana's value in any process zone.
 */
function toEpochMs(value: unknown, oid: number, column: string): number {
  if (value instanceof Date) {
    if (oid !== PG_OID.timestamp && oid !== PG_OID.date) return value.getTime();
    const utc = new Date(0);
    utc.setUTCFullYear(value.getFullYear(), value.getMonth(), value.getDate());
    utc.setUTCHours(value.getHours(), value.getMinutes(), value.getSeconds(), value.getMilliseconds());
    return utc.getTime();
  }
  const ms = typeof value === 'string' ? Date.parse(asIsoUtc(value)) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new OrgscopeError(
      'query_failed',
      `Column "${column}" holds ${String(value)}, which is not a time a panel can show: filter such rows out or cast the column to text.`,
    );
  }
  return ms;
}

/** PostgreSQL's text form of a timestamp, read as UTC when it names no zone. */
function asIsoUtc(text: string): string {
  const iso = text.replace(' ', 'T');
  return /(Z|[+-]\d\d(:?\d\d)?)$/.test(iso) || !iso.includes('T') ? iso : `${iso}Z`;
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Writes a value in PostgreSQL's text output form, which is what Grafana shows for these types. */
export function toPgText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return pgArrayText(value);
  if (typeof value === 'object' && value !== null) return objectText(value as Record<string, unknown>);
  return String(value);
}

function pgArrayText(items: unknown[]): string {
  const parts = items.map((item) => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return pgArrayText(item);
    const text = toPgText(item);
    const needsQuotes = text === '' || /[{}",\\\s]/.test(text) || text.toUpperCase() === 'NULL';
    return needsQuotes ? `"${text.replace(/(["\\])/g, '\\$1')}"` : text;
  });
  return `{${parts.join(',')}}`;
}

/** Objects come from node-postgres's parsers for interval, point and circle. */
function objectText(value: Record<string, unknown>): string {
  if (typeof value.toPostgres === 'function') return intervalText(value);
  if (typeof value.x === 'number' && typeof value.y === 'number') {
    const point = `(${value.x},${value.y})`;
    return typeof value.radius === 'number' ? `<${point},${value.radius}>` : point;
  }
  return JSON.stringify(value);
}

/** An interval in PostgreSQL's default output style: `1 year 2 mons 3 days 04:05:06.789`. */
function intervalText(interval: Record<string, unknown>): string {
  const part = (key: string) => (typeof interval[key] === 'number' ? (interval[key] as number) : 0);
  const plural = (count: number, unit: string, many: string) => `${count} ${Math.abs(count) === 1 ? unit : many}`;
  const words: string[] = [];
  if (part('years')) words.push(plural(part('years'), 'year', 'years'));
  if (part('months')) words.push(plural(part('months'), 'mon', 'mons'));
  if (part('days')) words.push(plural(part('days'), 'day', 'days'));

  const micros = Math.round(
    ((part('hours') * 60 + part('minutes')) * 60 + part('seconds')) * 1e6 + part('milliseconds') * 1000,
  );
  if (micros !== 0 || words.length === 0) words.push(clockText(micros));
  return words.join(' ');
}

function clockText(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const seconds = Math.floor(abs / 1e6);
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
  const fraction = abs % 1e6 === 0 ? '' : `.${String(abs % 1e6).padStart(6, '0')}`.replace(/0+$/, '');
  return sign + clock + fraction;
}
