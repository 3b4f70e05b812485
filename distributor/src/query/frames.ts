import { OrgscopeError } from '../errors.js';
import { encodeFrame, type DataFrameJson, type Field, type Frame, type Notice } from './frameJson.js';
import { longToWide, resampleWide, seriesSchema } from './frameSeries.js';
import type { FillSpec } from './macros.js';
import { frameTypeForOid, toFrameValue } from './pgTypes.js';

export type { DataFrameJson } from './frameJson.js';

/** The `format` of a panel query: a table of rows, or time series for graphs. */
export type QueryFormat = 'table' | 'time_series';

export interface FrameInput {
  refId: string;
  format: QueryFormat;
  /** Column names and type OIDs, as node-postgres reports them in `fields`. */
  columns: { name: string; dataTypeID: number }[];
  /** Rows as node-postgres returns them with `rowMode: 'array'` and its default type parsers. */
  rows: unknown[][];
  executedSql: string;
  fill?: FillSpec;
  range: { from: Date; to: Date };
  /** Most points a fill may add; Grafana skips the fill with a notice above its row limit. */
  rowLimit?: number;
}

/** Columns Grafana's SQL data sources read as the time of a row; a number there is epoch time. */
const TIME_COLUMNS = ['time', 'time_sec'];
const DEFAULT_ROW_LIMIT = 1_000_000;

/**
 * Turns a query result into the frames Grafana's PostgreSQL data source would answer with, so a panel
 * shows the same thing on Orgscope: the same types, the same series names and labels, the same fill.
 */
export function toDataFrames(input: FrameInput): DataFrameJson[] {
  const frame = buildFrame(input);
  if (input.rows.length > 0) {
    convertTimeColumns(frame, input);
    if (input.format === 'time_series') shapeTimeSeries(frame, input);
  } else {
    // Grafana drops the fields of an empty result so a panel shows "No data" rather than empty columns.
    frame.fields = [];
  }
  return [encodeFrame(frame, input.refId)];
}

function buildFrame(input: FrameInput): Frame {
  const fields = input.columns.map((column, index): Field => {
    const type = frameTypeForOid(column.dataTypeID);
    const values = input.rows.map((row) => toFrameValue(row[index], type, column.dataTypeID, column.name));
    return { name: column.name, type, nullable: true, values };
  });
  return { fields, meta: { typeVersion: [0, 0], executedQueryString: input.executedSql } };
}

interface ColumnRoles {
  timeIndex: number;
  timeEndIndex: number;
  metricIndex: number;
}

/** As Grafana, the last column with a role's name takes the role. */
function columnRoles(input: FrameInput): ColumnRoles {
  const roles: ColumnRoles = { timeIndex: -1, timeEndIndex: -1, metricIndex: -1 };
  input.columns.forEach(({ name }, index) => {
    if (TIME_COLUMNS.includes(name)) roles.timeIndex = index;
    if (input.format === 'table' && name.toLowerCase() === 'timeend') roles.timeEndIndex = index;
    else if (name === 'metric') roles.metricIndex = index;
  });
  return roles;
}

/** The time column (and `timeend` of a table) become times even when the query returns epoch numbers. */
function convertTimeColumns(frame: Frame, input: FrameInput): void {
  const { timeIndex, timeEndIndex } = columnRoles(input);
  for (const [index, role] of [
    [timeIndex, 'time'],
    [timeEndIndex, 'timeend'],
  ] as const) {
    if (index < 0 || frame.fields[index]!.type === 'time.Time') continue;
    const field = frame.fields[index]!;
    const values = field.values.map((value) => epochToMs(floatAt(field, value, `failed to convert ${role} column`)));
    frame.fields[index] = { ...field, type: 'time.Time', nullable: true, values };
  }
}

/**
 * Epoch numbers in seconds (10 digits) or nanoseconds (19 digits) become milliseconds; anything else
 * is taken as milliseconds already. Grafana decides by the decimal exponent, and so do we.
 */
function epochToMs(value: number | null): number | null {
  if (value === null) return null;
  const exponent = Number(value.toExponential().split('e')[1]);
  if (exponent === 9) return Math.trunc(value * 1e3);
  if (exponent === 18) return Math.trunc(value / 1e6);
  return Math.trunc(value);
}

/** A field's value as a number, the way the SDK's NullableFloatAt reads each type. */
function floatAt(field: Field, value: unknown, context: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (field.type === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value as string)) {
    return Number(value);
  }
  const problem = field.type === 'string' ? `"${String(value)}" is not a number` : `a ${field.type} is not a number`;
  throw new OrgscopeError(
    'query_failed',
    `${context}: column "${field.name}": ${problem}. Return numbers or times in it, or switch the query to the table format.`,
  );
}

function shapeTimeSeries(frame: Frame, input: FrameInput): void {
  const { timeIndex, metricIndex } = columnRoles(input);
  if (timeIndex < 0) {
    throw new OrgscopeError(
      'query_failed',
      "db has no time column: time column is missing; make sure your data includes a time column for time series format or switch to a table format that doesn't require it",
    );
  }
  // Grafana names the time field "Time", as before version 8.
  frame.fields[timeIndex] = { ...frame.fields[timeIndex]!, name: 'Time' };
  valuesToFloat(frame, timeIndex, metricIndex);

  let shaped = frame;
  if (seriesSchema(frame).kind === 'long') {
    shaped = longToWide(frame, input.fill);
    if (frame.fields.length === 3) nameSeriesByMetric(shaped);
  }
  if (input.fill) shaped = applyFill(shaped, input.fill, input);
  Object.assign(frame, shaped);
}

/** Every column but time, metric and strings is a value, and Grafana makes each a nullable float. */
function valuesToFloat(frame: Frame, timeIndex: number, metricIndex: number): void {
  frame.fields.forEach((field, index) => {
    if (index === timeIndex || index === metricIndex || field.type === 'string' || field.type === 'float64') return;
    const values = field.values.map((value) => floatAt(field, value, 'convert value to float failed'));
    frame.fields[index] = { ...field, type: 'float64', nullable: true, values };
  });
}

/**
 * A query of time, metric and one value names each series by its metric, as Grafana 7 did: the
 * field takes the metric as its name instead of carrying it as a label.
 */
function nameSeriesByMetric(frame: Frame): void {
  for (const field of frame.fields) {
    const keys = Object.keys(field.labels ?? {});
    if (keys.length !== 1 || keys[0] !== 'metric') continue;
    field.name = field.labels!.metric!;
    delete field.labels;
  }
}

/** Fills the whole range on the group interval, from the interval boundary at or before its start. */
function applyFill(frame: Frame, fill: FillSpec, input: FrameInput): Frame {
  const fromMs = alignedStart(input.range.from, fill.intervalMs);
  const toMs = input.range.to.getTime();
  const points = Math.trunc((toMs - fromMs) / fill.intervalMs);
  if (points > (input.rowLimit ?? DEFAULT_ROW_LIMIT)) {
    return withNotice(
      frame,
      'Fill operation skipped: time range and interval would require more points than the configured row limit',
    );
  }
  const resampled = resampleWide(frame, fill, fromMs, toMs);
  return typeof resampled === 'string' ? withNotice(frame, 'Failed to resample dataframe') : resampled;
}

/** Grafana aligns on whole seconds; a sub-second interval (where Grafana fails) is aligned on itself. */
function alignedStart(from: Date, intervalMs: number): number {
  const intervalSeconds = Math.trunc(intervalMs / 1000);
  if (intervalSeconds === 0) return Math.floor(from.getTime() / intervalMs) * intervalMs;
  const fromSeconds = Math.floor(from.getTime() / 1000);
  return Math.trunc(fromSeconds / intervalSeconds) * intervalSeconds * 1000;
}

function withNotice(frame: Frame, text: string): Frame {
  const notice: Notice = { severity: 'warning', text };
  return { ...frame, meta: { ...frame.meta, notices: [...(frame.meta.notices ?? []), notice] } };
}
