/**
 * Interval strings as Grafana's SQL data sources read and write them: `5m`, `1h30m`, `250ms`, `7d`, `1M`.
 * Kept apart from the macros so that the arithmetic can be checked on its own.
 */

const MS_PER_UNIT: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const CALENDAR_UNIT = /^(\d+)([dwMy])$/;
const DURATION_PART = /(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Parses an interval into milliseconds, or returns undefined when it is not one.
 *
 * Days and weeks are fixed lengths; months and years are calendar lengths counted from `now`, as
 * Grafana does (it counts from the wall clock; we take the time passed in so the result is repeatable).
 */
export function parseIntervalMs(text: string, now: Date): number | undefined {
  const calendar = CALENDAR_UNIT.exec(text);
  if (calendar) return calendarMs(Number(calendar[1]), calendar[2]!, now);
  return parseDurationMs(text);
}

function calendarMs(count: number, unit: string, now: Date): number {
  const start = now.getTime();
  const end = new Date(start);
  if (unit === 'd') end.setUTCDate(end.getUTCDate() + count);
  if (unit === 'w') end.setUTCDate(end.getUTCDate() + count * 7);
  if (unit === 'M') end.setUTCMonth(end.getUTCMonth() + count);
  if (unit === 'y') end.setUTCFullYear(end.getUTCFullYear() + count);
  return end.getTime() - start;
}

/** A Go duration (`1h30m`, `1.5s`, `-5m`, `0`), the fallback form Grafana accepts for an interval. */
function parseDurationMs(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;

  let total = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < rest.length) {
    const part = DURATION_PART.exec(rest);
    if (!part || part[1] === '' || part[1] === '.') return undefined;
    total += Number(part[1]) * MS_PER_UNIT[part[2]!]!;
  }
  return sign * total;
}

/** Formats milliseconds the way Grafana writes `$__interval`: the largest whole unit, `1ms` at least. */
export function formatInterval(ms: number): string {
  const units: [string, number][] = [
    ['y', 365 * 86_400_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ];
  for (const [suffix, size] of units) {
    if (ms >= size) return `${Math.floor(ms / size)}${suffix}`;
  }
  return '1ms';
}

/**
 * Writes a number as Go's `%v` does for a float64, so generated SQL reads exactly like Grafana's:
 * the shortest digits, in exponent form (`1.0368e+06`) when the exponent is below -4 or at least 6.
 */
export function formatGoFloat(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 6) return String(value);
  const sign = exponent < 0 ? '-' : '+';
  return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}
