import { OrgscopeError } from '../errors.js';
import { formatGoFloat, formatInterval, parseIntervalMs } from './macroInterval.js';

/** How a time series fills the intervals that have no row, as set by the third argument of `$__timeGroup`. */
export interface FillSpec {
  mode: 'null' | 'previous' | 'value';
  /** The number written in the SQL, for mode `value`. */
  value?: number;
  /** The group interval the fill steps by. */
  intervalMs: number;
}

/** SQL ready to run, and the fill the time series must get afterwards, if the SQL asked for one. */
export interface ExpandedSql {
  sql: string;
  fill?: FillSpec;
}

export interface MacroContext {
  range: { from: Date; to: Date };
  /** The panel's interval (`$__interval`), as Grafana sends it with each query. */
  intervalMs: number;
  /** Where calendar intervals (`1M`, `1y`) are counted from; the end of the range when not given. */
  now?: Date;
}

interface MacroDefinition {
  /** The form shown to the analyst when the macro is called wrongly. */
  form: string;
  minArgs: number;
  maxArgs: number;
  expand: (args: string[], ctx: MacroContext, setFill: (fill: FillSpec) => void) => string;
}

/**
 * Expands the macros of Grafana's PostgreSQL data source, so a panel written for it runs unchanged.
 *
 * Every value written into the SQL is produced here (timestamps, numbers); column expressions are the
 * analyst's own SQL and are copied as they are. The SQL runs under row-level security whatever it says,
 * so the macros do not need to guard it: they only need to produce what Grafana produces.
 */
export function expandMacros(rawSql: string, ctx: MacroContext): ExpandedSql {
  let fill: FillSpec | undefined;
  const withGlobals = expandGlobals(rawSql, ctx);
  const sql = expandFunctionMacros(withGlobals, ctx, (spec) => (fill = spec));
  return fill ? { sql, fill } : { sql };
}

/** Grafana replaces these as plain text before any other macro, so they also work inside macro arguments. */
function expandGlobals(sql: string, ctx: MacroContext): string {
  const intervalMs = Math.trunc(ctx.intervalMs);
  return sql
    .replaceAll('$__interval_ms', String(intervalMs))
    .replaceAll('$__interval', formatInterval(intervalMs))
    .replaceAll('$__unixEpochFrom()', String(unixSeconds(ctx.range.from)))
    .replaceAll('$__unixEpochTo()', String(unixSeconds(ctx.range.to)));
}

const MACRO_NAME = /\$__([A-Za-z0-9_]+)/g;

function expandFunctionMacros(sql: string, ctx: MacroContext, setFill: (fill: FillSpec) => void): string {
  const { comments, quoted } = textRanges(sql);
  const within = (ranges: [number, number][], index: number) => ranges.some(([a, b]) => index >= a && index < b);
  let out = '';
  let copiedUpTo = 0;
  MACRO_NAME.lastIndex = 0;
  for (let match = MACRO_NAME.exec(sql); match; match = MACRO_NAME.exec(sql)) {
    if (within(comments, match.index)) continue;
    // Quoted text may hold a `$__` of its own; only the macros Grafana knows are expanded there.
    if (within(quoted, match.index) && !MACROS[match[1]!]) continue;
    const call = readCall(sql, match.index, match[1]!);
    out += sql.slice(copiedUpTo, match.index) + expandCall(call, ctx, setFill);
    copiedUpTo = call.end;
    MACRO_NAME.lastIndex = call.end;
  }
  return out + sql.slice(copiedUpTo);
}

/**
 * Where the SQL has comments and quoted text. A macro named in a comment is neither expanded nor
 * refused (Grafana strips comments before it expands); `'--'` in quotes is not a comment.
 */
function textRanges(sql: string): { comments: [number, number][]; quoted: [number, number][] } {
  const comments: [number, number][] = [];
  const quoted: [number, number][] = [];
  for (let i = 0; i < sql.length; i++) {
    const pair = sql.slice(i, i + 2);
    const start = i;
    if (sql[i] === "'" || sql[i] === '"') i = skipQuoted(sql, i);
    else if (sql[i] === '$') i = skipDollarQuoted(sql, i);
    else if (pair === '--' || pair === '/*') {
      const end = pair === '--' ? sql.indexOf('\n', i) : sql.indexOf('*/', i + 2) + 1;
      i = end <= 0 ? sql.length : end;
      comments.push([start, i + 1]);
      continue;
    }
    if (i > start) quoted.push([start, i + 1]);
  }
  return { comments, quoted };
}

/** Skips a dollar-quoted string (`$$...$$`, `$tag$...$tag$`); returns `start` when there is none. */
function skipDollarQuoted(sql: string, start: number): number {
  const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(start))?.[0];
  if (!tag) return start;
  const close = sql.indexOf(tag, start + tag.length);
  return close < 0 ? sql.length : close + tag.length - 1;
}

interface MacroCall {
  name: string;
  args: string[];
  /** Index just after the closing parenthesis. */
  end: number;
  followedByComma: boolean;
}

function readCall(sql: string, start: number, name: string): MacroCall {
  const definition = MACROS[name];
  if (!definition) throw unknownMacro(name);
  const open = start + '$__'.length + name.length;
  if (sql[open] !== '(') {
    throw new OrgscopeError('bad_request', `Macro $__${name} needs parentheses: write ${definition.form}.`);
  }
  const close = findClosingParen(sql, open, name);
  const args = splitArgs(sql.slice(open + 1, close));
  return { name, args, end: close + 1, followedByComma: sql[close + 1] === ',' };
}

/** Finds the parenthesis that closes the one at `open`, skipping nested calls and quoted text. */
function findClosingParen(sql: string, open: number, name: string): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const char = sql[i];
    if (char === "'" || char === '"') i = skipQuoted(sql, i);
    else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return i;
  }
  throw new OrgscopeError('bad_request', `Macro $__${name}( has no closing parenthesis: write ${MACROS[name]!.form}.`);
}

/** Returns the index of the quote that ends the quoted text starting at `start` (a doubled quote escapes). */
function skipQuoted(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] !== quote) continue;
    if (text[i + 1] === quote) i++;
    else return i;
  }
  return text.length;
}

/** Splits macro arguments on the commas that are not inside parentheses or quotes. */
function splitArgs(inside: string): string[] {
  if (inside.trim() === '') return [];
  const args: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < inside.length; i++) {
    const char = inside[i];
    if (char === "'" || char === '"') i = skipQuoted(inside, i);
    else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      args.push(inside.slice(from, i).trim());
      from = i + 1;
    }
  }
  args.push(inside.slice(from).trim());
  return args;
}

function expandCall(call: MacroCall, ctx: MacroContext, setFill: (fill: FillSpec) => void): string {
  // Before Grafana 5.3, $__timeGroup added `AS "time"` itself; Grafana still does when a comma follows
  // it directly (a select list), but not inside GROUP BY or a window's ORDER BY.
  const name = call.name === 'timeGroup' && call.followedByComma ? 'timeGroupAlias' : call.name;
  const definition = MACROS[name]!;
  const { args } = call;
  const wrongCount = args.length < definition.minArgs || args.length > definition.maxArgs;
  if (wrongCount || args.slice(0, definition.minArgs).some((arg) => arg === '')) {
    const given = args.length === 1 ? '1 argument' : `${args.length} arguments`;
    throw new OrgscopeError('bad_request', `Macro $__${call.name} was given ${given}: write ${definition.form}.`);
  }
  return definition.expand(args, ctx, setFill);
}

function unknownMacro(name: string): OrgscopeError {
  const known = [...Object.values(MACROS).map((m) => m.form), '$__interval', '$__interval_ms'].join(', ');
  return new OrgscopeError('bad_request', `Unknown macro $__${name}. The macros are: ${known}.`);
}

// --- the values the macros write -----------------------------------------------------------------

/** RFC 3339 in UTC with the fraction trimmed, as Go's time.RFC3339Nano writes it. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.?0+Z$/, 'Z');
}

const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);
const unixNanos = (date: Date) => (BigInt(date.getTime()) * 1_000_000n).toString();

/** Parses the interval argument of a group macro: `5m`, `'5m'`, `1h30m`, `auto` (the panel's interval). */
function groupInterval(macro: string, text: string, ctx: MacroContext): number {
  const unquoted = text.replace(/^'+|'+$/g, '');
  const wanted = unquoted === 'auto' ? formatInterval(Math.trunc(ctx.intervalMs)) : unquoted;
  const ms = parseIntervalMs(wanted, ctx.now ?? ctx.range.to);
  if (ms === undefined || ms <= 0) {
    throw new OrgscopeError(
      'bad_request',
      `Macro $__${macro} cannot use interval ${text}: write a positive interval such as 30s, 5m, 1h, 1d, $__interval or auto.`,
    );
  }
  return ms;
}

/** Reads the optional fill argument: NULL, previous, or a number. */
function groupFill(macro: string, text: string, intervalMs: number): FillSpec {
  if (text.toUpperCase() === 'NULL') return { mode: 'null', intervalMs };
  if (text === 'previous') return { mode: 'previous', intervalMs };
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return { mode: 'value', value: Number(text), intervalMs };
  throw new OrgscopeError(
    'bad_request',
    `Macro $__${macro} cannot fill with ${text}: the third argument must be NULL, previous, or a number.`,
  );
}

function timeGroup(macro: string, args: string[], ctx: MacroContext, setFill: (fill: FillSpec) => void) {
  const intervalMs = groupInterval(macro, args[1]!, ctx);
  if (args[2] !== undefined) setFill(groupFill(macro, args[2], intervalMs));
  return formatGoFloat(intervalMs / 1000);
}

const column = (form: string, expand: (col: string, ctx: MacroContext) => string): MacroDefinition => ({
  form,
  minArgs: 1,
  maxArgs: 1,
  expand: (args, ctx) => expand(args[0]!, ctx),
});

const value = (form: string, expand: (ctx: MacroContext) => string): MacroDefinition => ({
  form,
  minArgs: 0,
  maxArgs: 0,
  expand: (_args, ctx) => expand(ctx),
});

const group = (form: string, name: string, expand: (col: string, seconds: string) => string): MacroDefinition => ({
  form,
  minArgs: 2,
  maxArgs: 3,
  expand: (args, ctx, setFill) => expand(args[0]!, timeGroup(name, args, ctx, setFill)),
});

const MACROS: Record<string, MacroDefinition> = {
  time: column('$__time(column)', (col) => `${col} AS "time"`),
  timeEpoch: column('$__timeEpoch(column)', (col) => `extract(epoch from ${col}) as "time"`),
  timeFilter: column(
    '$__timeFilter(column)',
    (col, ctx) => `${col} BETWEEN '${rfc3339(ctx.range.from)}' AND '${rfc3339(ctx.range.to)}'`,
  ),
  timeFrom: value('$__timeFrom()', (ctx) => `'${rfc3339(ctx.range.from)}'`),
  timeTo: value('$__timeTo()', (ctx) => `'${rfc3339(ctx.range.to)}'`),
  timeGroup: group(
    '$__timeGroup(column, interval[, fill])',
    'timeGroup',
    (col, s) => `floor(extract(epoch from ${col})/${s})*${s}`,
  ),
  timeGroupAlias: group(
    '$__timeGroupAlias(column, interval[, fill])',
    'timeGroupAlias',
    (col, s) => `floor(extract(epoch from ${col})/${s})*${s} AS "time"`,
  ),
  unixEpochFilter: column(
    '$__unixEpochFilter(column)',
    (col, ctx) => `${col} >= ${unixSeconds(ctx.range.from)} AND ${col} <= ${unixSeconds(ctx.range.to)}`,
  ),
  unixEpochFrom: value('$__unixEpochFrom()', (ctx) => String(unixSeconds(ctx.range.from))),
  unixEpochTo: value('$__unixEpochTo()', (ctx) => String(unixSeconds(ctx.range.to))),
  unixEpochNanoFilter: column(
    '$__unixEpochNanoFilter(column)',
    (col, ctx) => `${col} >= ${unixNanos(ctx.range.from)} AND ${col} <= ${unixNanos(ctx.range.to)}`,
  ),
  unixEpochNanoFrom: value('$__unixEpochNanoFrom()', (ctx) => unixNanos(ctx.range.from)),
  unixEpochNanoTo: value('$__unixEpochNanoTo()', (ctx) => unixNanos(ctx.range.to)),
  unixEpochGroup: group(
    '$__unixEpochGroup(column, interval[, fill])',
    'unixEpochGroup',
    (col, s) => `floor((${col})/${s})*${s}`,
  ),
  unixEpochGroupAlias: group(
    '$__unixEpochGroupAlias(column, interval[, fill])',
    'unixEpochGroupAlias',
    (col, s) => `floor((${col})/${s})*${s} AS "time"`,
  ),
};
