import { unauthenticated } from '../errors.js';

import type { RequestHeaders } from './viewer.js';

/** Display name of a header for messages, e.g. `X-Grafana-Id`. */
export function headerLabel(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => dash + letter.toUpperCase());
}

/**
 * The one value of a header, or undefined when absent or empty. Header names are matched without regard
 * to case. A header sent more than once is refused: Grafana's proxy sets each of ours exactly once.
 */
export function singleHeader(headers: RequestHeaders, name: string): string | undefined {
  const values = Object.entries(headers)
    .filter(([key]) => key.toLowerCase() === name)
    .flatMap(([, value]) => (Array.isArray(value) ? value : value === undefined ? [] : [value]));
  if (values.length > 1) {
    throw unauthenticated(
      `${headerLabel(name)} was sent more than once: requests must come through Grafana's data source proxy`,
    );
  }
  const value = values[0]?.trim();
  return value ? value : undefined;
}

/** A value from a request, quoted for an error message: cut short and stripped of control characters. */
export function quoted(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?');
  return `'${printable.length > 80 ? `${printable.slice(0, 80)}…` : printable}'`;
}
