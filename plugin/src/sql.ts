/*
 * Template variables in panel SQL, interpolated as Grafana's PostgreSQL data source does, so that a
 * panel moves between the two unchanged:
 * - a single-value variable is escaped but not quoted: the author writes '$store' around it;
 * - a multi-value or include-all variable becomes a comma-separated list of quoted literals, for
 *   `unit_code IN ($store)`;
 * - a number is written as it is.
 * Quoting doubles single quotes, which is the only escape a standard-conforming PostgreSQL string
 * literal needs. The SQL is untrusted either way: it runs under the viewer's row-level security.
 */
import type { MetricFindValue } from '@grafana/data';

export interface VariableLike {
  multi?: boolean;
  includeAll?: boolean;
}

/** A PostgreSQL string literal: quotes doubled, the whole wrapped in single quotes. */
export function quoteLiteral(value: unknown): string {
  return `'${escapeLiteral(value)}'`;
}

/** The inside of a PostgreSQL string literal: single quotes doubled. */
export function escapeLiteral(value: unknown): string {
  return String(value).replace(/'/g, "''");
}

/** The format function handed to Grafana's template service for every variable in the SQL. */
export function interpolateVariable(value: unknown, variable: VariableLike = {}): string | number {
  if (typeof value === 'string') {
    return variable.multi || variable.includeAll ? quoteLiteral(value) : escapeLiteral(value);
  }
  if (typeof value === 'number') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => quoteLiteral(item)).join(',');
  }
  return String(value ?? '');
}

interface FieldLike {
  name: string;
  values: ArrayLike<unknown>;
}

/**
 * Options of a query variable from the first frame of its answer: pairs from `__text` and `__value`
 * columns when both exist, otherwise every value of every column as text. Duplicates by text are
 * dropped, keeping the first, as Grafana's SQL data sources do.
 */
export function toMetricFindValues(fields: FieldLike[]): MetricFindValue[] {
  const text = fields.find((field) => field.name === '__text');
  const value = fields.find((field) => field.name === '__value');
  const found: MetricFindValue[] = [];
  if (text && value) {
    for (let i = 0; i < text.values.length; i++) {
      found.push({ text: String(text.values[i]), value: String(value.values[i]) });
    }
  } else {
    for (const field of fields) {
      for (let i = 0; i < field.values.length; i++) {
        found.push({ text: String(field.values[i]) });
      }
    }
  }
  const seen = new Set<string>();
  return found.filter((option) => !seen.has(option.text) && seen.add(option.text) !== undefined);
}
