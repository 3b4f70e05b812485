import { describe, expect, it } from '@jest/globals';

import { OrgscopeError } from '../errors.js';
import { expandMacros, type MacroContext } from './macros.js';

// 2018-04-12 18:00 to 18:05 UTC, the range Grafana's own macro tests use.
const from = new Date(Date.UTC(2018, 3, 12, 18, 0, 0));
const to = new Date(Date.UTC(2018, 3, 12, 18, 5, 0));
const ctx: MacroContext = { range: { from, to }, intervalMs: 10 * 60_000 };
const sql = (raw: string, context: MacroContext = ctx) => expandMacros(raw, context).sql;

function expectBadRequest(raw: string, ...fragments: string[]): void {
  try {
    expandMacros(raw, ctx);
  } catch (error) {
    expect(error).toBeInstanceOf(OrgscopeError);
    expect((error as OrgscopeError).code).toBe('bad_request');
    for (const fragment of fragments) expect((error as Error).message).toContain(fragment);
    return;
  }
  throw new Error(`expected ${raw} to be refused`);
}

describe('time macros', () => {
  it('aliases a column as time', () => {
    expect(sql('select $__time(time_column)')).toBe('select time_column AS "time"');
    expect(sql('select min($__time(time_column))')).toBe('select min(time_column AS "time")');
  });

  it('converts a column to epoch seconds as time', () => {
    expect(sql('select $__timeEpoch(created_at)')).toBe('select extract(epoch from created_at) as "time"');
  });

  it('filters on the range with RFC 3339 timestamps in UTC', () => {
    expect(sql('WHERE $__timeFilter(time_column)')).toBe(
      "WHERE time_column BETWEEN '2018-04-12T18:00:00Z' AND '2018-04-12T18:05:00Z'",
    );
  });

  it('writes fractional seconds without trailing zeros, and dates before 1970', () => {
    const range = {
      from: new Date(Date.UTC(1960, 1, 1, 7, 0, 0, 500)),
      to: new Date(Date.UTC(1980, 1, 3, 8, 0, 0, 120)),
    };
    expect(sql('WHERE $__timeFilter(t)', { ...ctx, range })).toBe(
      "WHERE t BETWEEN '1960-02-01T07:00:00.5Z' AND '1980-02-03T08:00:00.12Z'",
    );
  });

  it('writes the range ends as quoted timestamps', () => {
    expect(sql('select $__timeFrom(), $__timeTo()')).toBe("select '2018-04-12T18:00:00Z', '2018-04-12T18:05:00Z'");
  });
});

describe('unix epoch macros', () => {
  it('filters and bounds in epoch seconds', () => {
    expect(sql('select $__unixEpochFilter(time)')).toBe('select time >= 1523556000 AND time <= 1523556300');
    expect(sql('select $__unixEpochFrom(), $__unixEpochTo()')).toBe('select 1523556000, 1523556300');
  });

  it('filters and bounds in epoch nanoseconds, exactly', () => {
    expect(sql('select $__unixEpochNanoFilter(time)')).toBe(
      'select time >= 1523556000000000000 AND time <= 1523556300000000000',
    );
    expect(sql('select $__unixEpochNanoFrom(), $__unixEpochNanoTo()')).toBe(
      'select 1523556000000000000, 1523556300000000000',
    );
  });

  it('rounds seconds down for times before 1970, as Go does', () => {
    const range = { from: new Date(Date.UTC(1960, 1, 1, 7, 0, 0, 500)), to };
    expect(sql('$__unixEpochFilter(t)', { ...ctx, range })).toBe('t >= -312915600 AND t <= 1523556300');
  });
});

describe('group macros', () => {
  it('groups by the interval in seconds', () => {
    expect(sql('SELECT $__timeGroup(time_column,5m)')).toBe('SELECT floor(extract(epoch from time_column)/300)*300');
    expect(sql("SELECT $__timeGroup(time_column , '5m')")).toBe(
      'SELECT floor(extract(epoch from time_column)/300)*300',
    );
  });

  it('adds the time alias with the Alias form', () => {
    expect(sql("SELECT $__timeGroupAlias(time_column,'5m')")).toBe(
      'SELECT floor(extract(epoch from time_column)/300)*300 AS "time"',
    );
  });

  it('adds the time alias when a comma follows directly, as before Grafana 5.3', () => {
    expect(sql("SELECT $__timeGroup(time_column,'5m'), value")).toBe(
      'SELECT floor(extract(epoch from time_column)/300)*300 AS "time", value',
    );
    expect(sql("SELECT $__timeGroup(time_column,'5m') as time, value")).toBe(
      'SELECT floor(extract(epoch from time_column)/300)*300 as time, value',
    );
  });

  it('keeps nested parentheses and commas inside the column expression', () => {
    expect(sql("GROUP BY $__timeGroup(date_trunc('day', t), 1h)")).toBe(
      "GROUP BY floor(extract(epoch from date_trunc('day', t))/3600)*3600",
    );
    expect(sql("SELECT $__time(coalesce(a, (b), ')')) FROM x")).toBe(`SELECT coalesce(a, (b), ')') AS "time" FROM x`);
  });

  it('groups epoch columns, wrapping the expression in parentheses', () => {
    expect(sql("SELECT $__unixEpochGroup(time_column+time_adjustment,'5m')")).toBe(
      'SELECT floor((time_column+time_adjustment)/300)*300',
    );
    expect(sql("SELECT $__unixEpochGroupAlias(time_column+time_adjustment,'5m')")).toBe(
      'SELECT floor((time_column+time_adjustment)/300)*300 AS "time"',
    );
  });

  it('writes interval seconds as Go prints a float', () => {
    expect(sql('$__timeGroup(t, 20ms)')).toBe('floor(extract(epoch from t)/0.02)*0.02');
    expect(sql('$__timeGroup(t, 1h30m)')).toBe('floor(extract(epoch from t)/5400)*5400');
    expect(sql('$__timeGroup(t, 1d)')).toBe('floor(extract(epoch from t)/86400)*86400');
    expect(sql('$__timeGroup(t, 12d)')).toBe('floor(extract(epoch from t)/1.0368e+06)*1.0368e+06');
  });

  it('counts months from the end of the range (or the given now)', () => {
    const now = new Date(Date.UTC(2024, 1, 1));
    expect(sql('$__timeGroup(t, 1M)', { ...ctx, now })).toBe('floor(extract(epoch from t)/2.5056e+06)*2.5056e+06');
  });

  it('uses the panel interval for $__interval and auto', () => {
    const panel = { ...ctx, intervalMs: 90_000 };
    expect(sql('$__timeGroup(t, $__interval)', panel)).toBe('floor(extract(epoch from t)/60)*60');
    expect(sql('$__timeGroup(t, auto)', panel)).toBe('floor(extract(epoch from t)/60)*60');
  });

  it('asks for no fill unless a third argument is given', () => {
    expect(expandMacros('$__timeGroup(t, 5m)', ctx).fill).toBeUndefined();
  });

  it('reads the fill argument: NULL, previous, or a number', () => {
    expect(expandMacros('$__timeGroup(t, 5m, NULL)', ctx).fill).toEqual({ mode: 'null', intervalMs: 300_000 });
    expect(expandMacros('$__timeGroupAlias(t, 1h, previous)', ctx).fill).toEqual({
      mode: 'previous',
      intervalMs: 3_600_000,
    });
    expect(expandMacros('$__unixEpochGroup(t, 10s, -2.5)', ctx).fill).toEqual({
      mode: 'value',
      value: -2.5,
      intervalMs: 10_000,
    });
  });
});

describe('interval macros', () => {
  it('writes the panel interval as text and as milliseconds', () => {
    expect(sql('SELECT $__interval, $__interval_ms', { ...ctx, intervalMs: 600_000 })).toBe('SELECT 10m, 600000');
    expect(sql('SELECT $__interval', { ...ctx, intervalMs: 1500 })).toBe('SELECT 1s');
    expect(sql('SELECT $__interval', { ...ctx, intervalMs: 0.4 })).toBe('SELECT 1ms');
    expect(sql('SELECT $__interval', { ...ctx, intervalMs: 3 * 86_400_000 })).toBe('SELECT 3d');
  });

  it('leaves SQL without macros as it is', () => {
    const plain = "SELECT $1, '$$' , \"a\" FROM t WHERE x = 'y'";
    expect(expandMacros(plain, ctx)).toEqual({ sql: plain });
  });
});

describe('refused macros', () => {
  it('names an unknown macro and lists the known ones', () => {
    expectBadRequest('SELECT $__timeFliter(t)', 'Unknown macro $__timeFliter', '$__timeFilter(column)');
    expectBadRequest('SELECT $__nope', 'Unknown macro $__nope');
  });

  it('names the expected form when the argument count is wrong', () => {
    expectBadRequest('$__timeGroup(t)', '$__timeGroup was given 1 argument', '$__timeGroup(column, interval[, fill])');
    expectBadRequest('$__timeGroup(t, 5m, NULL, 4)', 'was given 4 arguments');
    expectBadRequest('$__timeFilter()', '$__timeFilter was given 0 arguments', '$__timeFilter(column)');
    expectBadRequest('$__timeFilter(a, b)', 'was given 2 arguments');
    expectBadRequest('$__timeFrom(x)', '$__timeFrom()');
  });

  it('refuses a known macro without parentheses, or without its closing one', () => {
    expectBadRequest('WHERE $__timeFilter', 'needs parentheses', '$__timeFilter(column)');
    expectBadRequest('WHERE $__timeFilter(t', 'no closing parenthesis');
  });

  it('refuses a bad interval or fill and says what is accepted', () => {
    expectBadRequest('$__timeGroup(t, 5 minutes)', 'interval 5 minutes', '5m');
    expectBadRequest('$__timeGroup(t, 0s)', 'positive interval');
    expectBadRequest('$__timeGroup(t, 5m, zero)', 'fill with zero', 'NULL, previous, or a number');
  });
});

describe('comments', () => {
  it('leaves macros named in comments alone, but not those in quoted text', () => {
    const raw = [
      'SELECT $__time(t) -- was $__timeGroup(t)',
      "/* $__nope */ FROM x WHERE note <> '-- $__x' AND $__timeFilter(t)",
      'AND y = $$ -- $$ AND $__unixEpochFilter(e)',
    ].join('\n');
    expect(sql(raw)).toBe(
      [
        'SELECT t AS "time" -- was $__timeGroup(t)',
        "/* $__nope */ FROM x WHERE note <> '-- $__x' AND t BETWEEN '2018-04-12T18:00:00Z' AND '2018-04-12T18:05:00Z'",
        'AND y = $$ -- $$ AND e >= 1523556000 AND e <= 1523556300',
      ].join('\n'),
    );
  });
});
