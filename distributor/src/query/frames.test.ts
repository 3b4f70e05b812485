import { describe, expect, it } from '@jest/globals';

import { OrgscopeError } from '../errors.js';
import { toDataFrames, type FrameInput } from './frames.js';
import { PG_OID } from './pgTypes.js';

// The range Grafana's PostgreSQL snapshot tests query with: 2023-12-24 14:15:22 to 14:45:13 UTC.
const range = {
  from: new Date(Date.UTC(2023, 11, 24, 14, 15, 22)),
  to: new Date(Date.UTC(2023, 11, 24, 14, 45, 13, 876)),
};
const OID = { ...PG_OID, text: 25, uuid: 2950, int4Array: 1007, interval: 1186, money: 790, time: 1083 };
const col = (name: string, dataTypeID: number) => ({ name, dataTypeID });
const at = (iso: string) => Date.parse(iso);

function frames(input: Partial<FrameInput> & Pick<FrameInput, 'columns' | 'rows'>) {
  return toDataFrames({ refId: 'A', format: 'table', executedSql: 'SELECT 1', range, ...input });
}

function only(input: Partial<FrameInput> & Pick<FrameInput, 'columns' | 'rows'>) {
  const result = frames(input);
  expect(result).toHaveLength(1);
  return result[0]!;
}

function failure(input: Partial<FrameInput> & Pick<FrameInput, 'columns' | 'rows'>): OrgscopeError {
  try {
    frames(input);
  } catch (error) {
    expect(error).toBeInstanceOf(OrgscopeError);
    expect((error as OrgscopeError).code).toBe('query_failed');
    return error as OrgscopeError;
  }
  throw new Error('expected the conversion to fail');
}

describe('table format', () => {
  it('maps each PostgreSQL type to the field type Grafana gives it, all nullable', () => {
    const frame = only({
      columns: [
        col('i16', OID.int2),
        col('i32', OID.int4),
        col('i64', OID.int8),
        col('n', OID.numeric),
        col('f32', OID.float4),
        col('f64', OID.float8),
        col('b', OID.bool),
        col('tsz', OID.timestamptz),
        col('j', OID.jsonb),
        col('t', OID.text),
      ],
      rows: [[1, 3, '5', '81.75', 30.75, 21.5625, true, new Date('2021-07-22T11:22:33.654Z'), { a: [1] }, 'x']],
    });
    expect(frame.schema.fields).toEqual([
      { name: 'i16', type: 'number', typeInfo: { frame: 'int16', nullable: true } },
      { name: 'i32', type: 'number', typeInfo: { frame: 'int32', nullable: true } },
      { name: 'i64', type: 'number', typeInfo: { frame: 'int64', nullable: true } },
      { name: 'n', type: 'number', typeInfo: { frame: 'float64', nullable: true } },
      { name: 'f32', type: 'number', typeInfo: { frame: 'float64', nullable: true } },
      { name: 'f64', type: 'number', typeInfo: { frame: 'float64', nullable: true } },
      { name: 'b', type: 'boolean', typeInfo: { frame: 'bool', nullable: true } },
      { name: 'tsz', type: 'time', typeInfo: { frame: 'time.Time', nullable: true } },
      { name: 'j', type: 'other', typeInfo: { frame: 'json.RawMessage', nullable: true } },
      { name: 't', type: 'string', typeInfo: { frame: 'string', nullable: true } },
    ]);
    expect(frame.data.values).toEqual([
      [1],
      [3],
      [5],
      [81.75],
      [30.75],
      [21.5625],
      [true],
      [1626952953654],
      [{ a: [1] }],
      ['x'],
    ]);
  });

  it('carries the refId and the executed SQL in the SDK key order', () => {
    const frame = only({ refId: 'B', executedSql: 'SELECT 42 AS n', columns: [col('n', OID.int4)], rows: [[42]] });
    expect(JSON.stringify(frame.schema)).toBe(
      '{"refId":"B","meta":{"typeVersion":[0,0],"executedQueryString":"SELECT 42 AS n"},' +
        '"fields":[{"name":"n","type":"number","typeInfo":{"frame":"int32","nullable":true}}]}',
    );
    expect(JSON.stringify(frame.data)).toBe('{"values":[[42]]}');
  });

  it('keeps nulls as nulls in every type', () => {
    const types = [OID.int2, OID.int8, OID.numeric, OID.bool, OID.timestamptz, OID.json, OID.text];
    const frame = only({ columns: types.map((oid, i) => col(`c${i}`, oid)), rows: [types.map(() => null)] });
    expect(frame.data.values).toEqual(types.map(() => [null]));
  });

  it('turns big int8 and numeric strings into numbers', () => {
    const frame = only({
      columns: [col('big', OID.int8), col('neg', OID.int8), col('n', OID.numeric)],
      rows: [['9007199254740993', '-42', '-0.5']],
    });
    expect(frame.data.values).toEqual([[9007199254740992], [-42], [-0.5]]);
  });

  it('reads timestamp and date without a zone as UTC, as Grafana does, in any process time zone', () => {
    // node-postgres builds these Dates from the local wall clock.
    const frame = only({
      columns: [col('ts', OID.timestamp), col('d', OID.date)],
      rows: [[new Date(2023, 10, 15, 5, 6, 7, 123), new Date(2023, 11, 20)]],
    });
    expect(frame.data.values).toEqual([[at('2023-11-15T05:06:07.123Z')], [at('2023-12-20T00:00:00Z')]]);
  });

  it("shows other types in PostgreSQL's text form", () => {
    const interval = { milliseconds: 987.654, toPostgres: () => '' };
    const longInterval = { years: 1, months: 2, days: 1, hours: 4, minutes: 5, seconds: 6, toPostgres: () => '' };
    const frame = only({
      columns: [
        col('u', OID.uuid),
        col('arr', OID.int4Array),
        col('i', OID.interval),
        col('i2', OID.interval),
        col('bt', OID.bytea),
        col('m', OID.money),
        col('tm', OID.time),
      ],
      rows: [['0b7e…', [1, null, 3], interval, longInterval, Buffer.from('ABCD'), '$12.34', '12:34:56.234567']],
    });
    expect(frame.data.values).toEqual([
      ['0b7e…'],
      ['{1,NULL,3}'],
      ['00:00:00.987654'],
      ['1 year 2 mons 1 day 04:05:06'],
      ['ABCD'],
      ['$12.34'],
      ['12:34:56.234567'],
    ]);
  });

  it('quotes array elements the way PostgreSQL prints them', () => {
    const frame = only({ columns: [col('tags', 1009)], rows: [[['a', 'b c', '', 'null', 'q"x']]] });
    expect(frame.data.values).toEqual([['{a,"b c","","null","q\\"x"}']]);
  });

  it('sends NaN and infinities as null with their places in data.entities', () => {
    const frame = only({
      columns: [col('i', OID.int4), col('f', OID.float8), col('n', OID.numeric)],
      rows: [
        [1, Number.NaN, '1'],
        [2, Infinity, 'NaN'],
        [3, -Infinity, '-Infinity'],
      ],
    });
    expect(frame.data).toEqual({
      values: [
        [1, 2, 3],
        [null, null, null],
        [1, null, null],
      ],
      entities: [null, { NaN: [0], Inf: [1], NegInf: [2] }, { NaN: [1], NegInf: [2] }],
    });
  });

  it('drops the fields of an empty result, as Grafana does', () => {
    const frame = only({
      columns: [col('time', OID.timestamptz), col('v', OID.float8)],
      rows: [],
      format: 'time_series',
    });
    expect(frame.schema.fields).toEqual([]);
    expect(frame.data.values).toEqual([]);
  });

  it('converts epoch numbers in time and timeend to milliseconds, by their number of digits', () => {
    const frame = only({
      columns: [col('time', OID.int8), col('n', OID.int8), col('timeend', OID.int8)],
      rows: [
        ['1703161287', '1703161287', '1703161312'],
        ['1703161287724', '1703161287724', '1703161312522'],
        ['1703161287724919000', '1703161287724919000', '1703161312522186000'],
        [null, null, null],
      ],
    });
    expect(frame.schema.fields.map((f) => f.typeInfo.frame)).toEqual(['time.Time', 'int64', 'time.Time']);
    expect(frame.data.values).toEqual([
      [1703161287000, 1703161287724, 1703161287724, null],
      [1703161287, 1703161287724, 1703161287724919000, null],
      [1703161312000, 1703161312522, 1703161312522, null],
    ]);
  });

  it('refuses a time column that holds text that is not a number', () => {
    const error = failure({ columns: [col('time', OID.text)], rows: [['yesterday']] });
    expect(error.message).toContain('column "time"');
  });
});

describe('time series format', () => {
  const series = (columns: FrameInput['columns'], rows: unknown[][], extra: Partial<FrameInput> = {}) =>
    only({ format: 'time_series', columns, rows, ...extra });

  it("fails with Grafana's words when there is no time column", () => {
    const error = failure({ format: 'time_series', columns: [col('value', OID.float8)], rows: [[1]] });
    expect(error.message).toBe(
      "db has no time column: time column is missing; make sure your data includes a time column for time series format or switch to a table format that doesn't require it",
    );
  });

  it('keeps a wide series as it is, naming the time field Time and making values floats', () => {
    const frame = series(
      [col('time', OID.timestamptz), col('count', OID.int8), col('ok', OID.bool)],
      [
        [new Date('2023-12-24T14:30:03Z'), '10', true],
        [new Date('2023-12-24T14:31:03Z'), null, false],
      ],
    );
    expect(frame.schema.meta).toEqual({ typeVersion: [0, 0], executedQueryString: 'SELECT 1' });
    expect(frame.schema.fields).toEqual([
      { name: 'Time', type: 'time', typeInfo: { frame: 'time.Time', nullable: true } },
      { name: 'count', type: 'number', typeInfo: { frame: 'float64', nullable: true } },
      { name: 'ok', type: 'number', typeInfo: { frame: 'float64', nullable: true } },
    ]);
    expect(frame.data.values).toEqual([
      [at('2023-12-24T14:30:03Z'), at('2023-12-24T14:31:03Z')],
      [10, null],
      [1, 0],
    ]);
  });

  it('reads a time_sec column of epoch seconds as the time', () => {
    const frame = series([col('time_sec', OID.int4), col('v', OID.float8)], [[1703428203, 1.5]]);
    expect(frame.schema.fields[0]).toEqual({
      name: 'Time',
      type: 'time',
      typeInfo: { frame: 'time.Time', nullable: true },
    });
    expect(frame.data.values).toEqual([[1703428203000], [1.5]]);
  });

  it('turns a long series into one field per label set, as data.LongToWide does', () => {
    const rows: unknown[][] = [];
    for (let minute = 0; minute < 3; minute++) {
      const time = new Date(Date.UTC(2023, 11, 24, 14, 30 + minute, 3));
      rows.push([time, 'b', 110 + minute * 10], [time, 'a', 10 + minute * 10]);
    }
    const frame = series([col('time', OID.timestamptz), col('c', OID.text), col('v', OID.float8)], rows);
    expect(frame.schema.meta).toEqual({
      type: 'timeseries-wide',
      typeVersion: [0, 1],
      executedQueryString: 'SELECT 1',
    });
    expect(frame.schema.fields).toEqual([
      { name: 'Time', type: 'time', typeInfo: { frame: 'time.Time' } },
      { name: 'v', type: 'number', typeInfo: { frame: 'float64', nullable: true }, labels: { c: 'a' } },
      { name: 'v', type: 'number', typeInfo: { frame: 'float64', nullable: true }, labels: { c: 'b' } },
    ]);
    expect(frame.data.values).toEqual([
      [at('2023-12-24T14:30:03Z'), at('2023-12-24T14:31:03Z'), at('2023-12-24T14:32:03Z')],
      [10, 20, 30],
      [110, 120, 130],
    ]);
  });

  it('orders wide fields by name, then by label values in column order, and fills late series with nulls', () => {
    const t = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s));
    const frame = series(
      [
        col('time', OID.timestamptz),
        col('store', OID.text),
        col('region', OID.text),
        col('sales', OID.int4),
        col('orders', OID.int8),
      ],
      [
        [t(1), 'S2', 'East', 5, '1'],
        [t(2), 'S1', 'West', 7, '2'],
        [t(2), 'S2', 'East', 6, '3'],
      ],
    );
    expect(frame.schema.fields.map((f) => [f.name, f.labels])).toEqual([
      ['Time', undefined],
      ['orders', { region: 'West', store: 'S1' }],
      ['orders', { region: 'East', store: 'S2' }],
      ['sales', { region: 'West', store: 'S1' }],
      ['sales', { region: 'East', store: 'S2' }],
    ]);
    expect(frame.data.values).toEqual([
      [t(1).getTime(), t(2).getTime()],
      [null, 2],
      [1, 3],
      [null, 7],
      [5, 6],
    ]);
  });

  it('gives a null label value an empty label', () => {
    const frame = series(
      [col('time', OID.timestamptz), col('c', OID.text), col('v', OID.float8)],
      [[new Date(0), null, 1]],
    );
    expect(frame.schema.fields[1]!.labels).toEqual({ c: '' });
  });

  it('names each series by its metric column when the query is time, metric, value', () => {
    const frame = series(
      [col('time', OID.timestamptz), col('metric', OID.text), col('value', OID.float8)],
      [
        [new Date(1000), 'online', 1],
        [new Date(1000), 'in store', 2],
      ],
    );
    expect(frame.schema.fields).toEqual([
      { name: 'Time', type: 'time', typeInfo: { frame: 'time.Time' } },
      { name: 'in store', type: 'number', typeInfo: { frame: 'float64', nullable: true } },
      { name: 'online', type: 'number', typeInfo: { frame: 'float64', nullable: true } },
    ]);
    expect(frame.data.values).toEqual([[1000], [2], [1]]);
  });

  it('keeps the metric as a label when there are more columns', () => {
    const frame = series(
      [col('time', OID.timestamptz), col('metric', OID.text), col('a', OID.float8), col('b', OID.float8)],
      [[new Date(1000), 'online', 1, 2]],
    );
    expect(frame.schema.fields.map((f) => [f.name, f.labels])).toEqual([
      ['Time', undefined],
      ['a', { metric: 'online' }],
      ['b', { metric: 'online' }],
    ]);
  });

  it("refuses a long series that is not sorted by time, with Grafana's advice", () => {
    const error = failure({
      format: 'time_series',
      columns: [col('time', OID.timestamptz), col('c', OID.text), col('v', OID.float8)],
      rows: [
        [new Date(2000), 'a', 1],
        [new Date(1000), 'a', 2],
      ],
    });
    expect(error.message).toContain('not sorted in ascending order by time');
  });

  it('refuses a value column that cannot be a number', () => {
    const error = failure({
      format: 'time_series',
      columns: [col('time', OID.timestamptz), col('doc', OID.jsonb)],
      rows: [[new Date(0), { a: 1 }]],
    });
    expect(error.message).toContain('convert value to float failed: column "doc"');
  });
});

describe('fill of missing intervals', () => {
  // What `SELECT $__timeGroup("time",5m,<fill>),c,avg(v) ... GROUP BY 1,2 ORDER BY 1,2` returns in
  // Grafana's fill tests: buckets 14:20 and 14:35 for series a and b, the bucket time as numeric.
  const longColumns = [col('time', OID.numeric), col('c', OID.text), col('v', OID.float8)];
  const longRows = [
    ['1703427600', 'a', 15],
    ['1703427600', 'b', 115],
    ['1703428500', 'a', 50],
    ['1703428500', 'b', 150],
  ];
  const grid = [14 * 60 + 15, 14 * 60 + 20, 14 * 60 + 25, 14 * 60 + 30, 14 * 60 + 35, 14 * 60 + 40, 14 * 60 + 45].map(
    (minutes) => Date.UTC(2023, 11, 24, 0, minutes),
  );
  const filled = (mode: 'null' | 'previous' | 'value', value?: number) =>
    only({ format: 'time_series', columns: longColumns, rows: longRows, fill: { mode, value, intervalMs: 300_000 } });

  it('fills with null on every interval boundary from the start of the range to its end', () => {
    const frame = filled('null');
    expect(frame.schema.fields.map((f) => [f.name, f.typeInfo, f.labels])).toEqual([
      ['Time', { frame: 'time.Time' }, undefined],
      ['v', { frame: 'float64', nullable: true }, { c: 'a' }],
      ['v', { frame: 'float64', nullable: true }, { c: 'b' }],
    ]);
    expect(frame.data.values).toEqual([
      grid,
      [null, 15, null, null, 50, null, null],
      [null, 115, null, null, 150, null, null],
    ]);
  });

  it('fills with the previous value, null before the first one', () => {
    expect(filled('previous').data.values).toEqual([
      grid,
      [null, 15, 15, 15, 50, 50, 50],
      [null, 115, 115, 115, 150, 150, 150],
    ]);
  });

  it('fills with a fixed value', () => {
    expect(filled('value', 27).data.values).toEqual([
      grid,
      [27, 15, 27, 27, 50, 27, 27],
      [27, 115, 27, 27, 150, 27, 27],
    ]);
  });

  it('fills a wide series, keeping its nullable time field', () => {
    const frame = only({
      format: 'time_series',
      columns: [col('time', OID.numeric), col('v1', OID.float8), col('v2', OID.float8)],
      rows: [
        ['1703427600', 15, 115],
        ['1703428500', 50, 150],
      ],
      fill: { mode: 'value', value: 27, intervalMs: 300_000 },
    });
    expect(frame.schema.fields[0]).toEqual({
      name: 'Time',
      type: 'time',
      typeInfo: { frame: 'time.Time', nullable: true },
    });
    expect(frame.schema.meta).toEqual({ typeVersion: [0, 0], executedQueryString: 'SELECT 1' });
    expect(frame.data.values).toEqual([grid, [27, 15, 27, 27, 50, 27, 27], [27, 115, 27, 27, 150, 27, 27]]);
  });

  it('fills gaps between rows of a long series where one label set has no row', () => {
    const frame = only({
      format: 'time_series',
      columns: longColumns,
      rows: [
        ['1703427600', 'a', 15],
        ['1703427600', 'b', 115],
        ['1703428500', 'b', 150],
      ],
      fill: { mode: 'previous', intervalMs: 300_000 },
    });
    expect(frame.data.values).toEqual([grid, [null, 15, 15, 15, 15, 15, 15], [null, 115, 115, 115, 150, 150, 150]]);
  });

  it('skips the fill with a notice when it would exceed the row limit', () => {
    const frame = only({
      format: 'time_series',
      columns: longColumns,
      rows: longRows,
      fill: { mode: 'null', intervalMs: 300_000 },
      rowLimit: 3,
    });
    expect(frame.schema.meta.notices).toEqual([
      {
        severity: 'warning',
        text: 'Fill operation skipped: time range and interval would require more points than the configured row limit',
      },
    ]);
    expect(frame.data.values[0]).toEqual([Date.UTC(2023, 11, 24, 14, 20), Date.UTC(2023, 11, 24, 14, 35)]);
  });
});
