import { OrgscopeError } from '../errors.js';

const ALLOWED_FIRST_WORDS = new Set(['select', 'with', 'values', 'table']);

/**
 * Refuses anything but one read statement before it reaches PostgreSQL. PostgreSQL enforces the rest
 * (read-only transaction, extended protocol: one statement only); this check turns the obvious cases
 * (EXPLAIN ANALYZE row counts, SET, DO, COPY, session state that would outlive the query) into a
 * clear message instead of a database error.
 */
export function assertReadStatement(sql: string): void {
  const first = firstWord(sql);
  if (first === '') {
    throw new OrgscopeError('bad_request', 'The query is empty: write a SELECT statement.');
  }
  if (!ALLOWED_FIRST_WORDS.has(first)) {
    throw new OrgscopeError(
      'query_rejected',
      `Only one read statement can run (SELECT, WITH ... SELECT, VALUES or TABLE); this query starts with ${first.toUpperCase()}.`,
    );
  }
}

/** The first keyword after whitespace, comments (nested block comments too) and opening parentheses. */
export function firstWord(sql: string): string {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s|\(/.test(c)) {
      i += 1;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      i = skipBlockComment(sql, i);
    } else {
      break;
    }
  }
  const match = /^[A-Za-z_]+/.exec(sql.slice(i));
  return match ? match[0].toLowerCase() : sql.slice(i, i + 1);
}

function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return sql.length;
}
