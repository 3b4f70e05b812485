import { OrgscopeError } from '../errors.js';
import { compareBytes, type Field, type Frame } from './frameJson.js';
import type { FillSpec } from './macros.js';

/**
 * Time series reshaping as Grafana's plugin SDK does it (`data.LongToWide`, `sqlutil.ResampleWideFrame`),
 * so that a panel gets the same series, names, labels and order from Orgscope as from Grafana.
 */

export interface SeriesSchema {
  kind: 'not' | 'long' | 'wide';
  timeIndex: number;
  /** String and boolean fields: in a long series they become labels. */
  factorIndices: number[];
  valueIndices: number[];
}

/** Reads a frame as the SDK does: the first time field is the time index; strings and booleans are factors. */
export function seriesSchema(frame: Frame): SeriesSchema {
  const timeIndex = frame.fields.findIndex((field) => field.type === 'time.Time');
  const factorIndices: number[] = [];
  const valueIndices: number[] = [];
  frame.fields.forEach((field, index) => {
    if (index === timeIndex) return;
    if (field.type === 'string' || field.type === 'bool') factorIndices.push(index);
    else valueIndices.push(index);
  });
  const kind = timeIndex < 0 || valueIndices.length === 0 ? 'not' : factorIndices.length > 0 ? 'long' : 'wide';
  return { kind, timeIndex, factorIndices, valueIndices };
}

/** The value the SDK puts in a cell that has no row, given the fill and the row before it. */
function missingValue(fill: FillSpec | undefined, field: Field, previousRow: number): unknown {
  if (!fill) return field.nullable ? null : zeroValue(field);
  if (fill.mode === 'previous') return previousRow >= 0 ? (field.values[previousRow] ?? null) : null;
  if (fill.mode === 'value' && field.type === 'float64') return fill.value ?? 0;
  if (fill.mode === 'value' && field.type.startsWith('int')) return Math.trunc(fill.value ?? 0);
  return null;
}

function zeroValue(field: Field): unknown {
  if (field.type === 'string') return '';
  if (field.type === 'bool') return false;
  return field.type === 'json.RawMessage' ? null : 0;
}

const seriesError = (message: string) =>
  new OrgscopeError('query_failed', `failed to convert long to wide series when converting from dataframe: ${message}`);

/**
 * Turns a long series (one row per time and label set) into a wide one: one field per value column and
 * label set, labelled with the string columns, on one ascending time field.
 */
export function longToWide(long: Frame, fill: FillSpec | undefined): Frame {
  const schema = seriesSchema(long);
  const time = long.fields[schema.timeIndex]!;
  const wideTime: Field = { name: time.name, type: 'time.Time', nullable: false, values: [] };
  const fields: Field[] = [wideTime];
  const fieldsByLabels = new Map<string, number[]>();

  for (let row = 0; row < time.values.length; row++) {
    const at = advanceTime(time.values[row], wideTime, fields, fill);
    const labels = labelsAt(long, schema.factorIndices, row);
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => compareBytes(a, b)));
    let targets = fieldsByLabels.get(key);
    if (!targets) {
      targets = schema.valueIndices.map((index) => addWideField(fields, long.fields[index]!, labels, at, fill));
      fieldsByLabels.set(key, targets);
    }
    schema.valueIndices.forEach((index, offset) => {
      fields[targets[offset]!]!.values[at] = long.fields[index]!.values[row];
    });
  }

  const sorted = sortWideFields(
    fields,
    schema.factorIndices.map((index) => long.fields[index]!.name),
  );
  return { name: long.name, fields: sorted, meta: { ...long.meta, type: 'timeseries-wide', typeVersion: [0, 1] } };
}

/** Starts a new wide row when the time moves on; returns the row the current long row belongs to. */
function advanceTime(value: unknown, wideTime: Field, fields: Field[], fill: FillSpec | undefined): number {
  if (value === null) {
    throw seriesError(
      'unable to process the data to wide series because input has null time values, make sure all time values are not null',
    );
  }
  const times = wideTime.values as number[];
  const last = times.at(-1);
  if (last === undefined || (value as number) > last) {
    times.push(value as number);
    const row = times.length - 1;
    for (const field of fields.slice(1)) field.values.push(missingValue(fill, field, row - 1));
  } else if ((value as number) < last) {
    throw seriesError(
      'unable to process the data because it is not sorted in ascending order by time, please updated your query to sort the data by time if possible',
    );
  }
  return times.length - 1;
}

/**
 * Labels from the string and boolean columns. A null string becomes an empty label, as the SDK
 * documents for LongToWide (its code rejects it instead; a panel should not fail over one null).
 */
function labelsAt(frame: Frame, factorIndices: number[], row: number): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const index of factorIndices) {
    const field = frame.fields[index]!;
    const value = field.values[row];
    labels[field.name] = value === null || value === undefined ? '' : String(value);
  }
  return labels;
}

function addWideField(fields: Field[], long: Field, labels: Record<string, string>, row: number, fill?: FillSpec) {
  const nullable = long.nullable || (fill !== undefined && fill.mode !== 'value');
  const field: Field = { name: long.name, type: long.type, nullable, values: [], labels };
  const earlier = missingValue(fill, { ...field, values: [] }, row - 1);
  field.values = Array.from({ length: row + 1 }, () => earlier);
  fields.push(field);
  return fields.length - 1;
}

/**
 * Orders wide fields as `SortWideFrameFields` does: time first, then by name, then by the label values
 * in the order of the string columns. Its trick of moving the last field into the time field's place
 * before a stable sort decides the order of exact ties, so it is kept.
 */
function sortWideFields(fields: Field[], labelKeys: string[]): Field[] {
  const rest = fields.slice(1);
  if (rest.length > 1) rest.unshift(rest.pop()!);
  rest.sort((a, b) => compareBytes(a.name, b.name) || compareLabels(a, b, labelKeys));
  return [fields[0]!, ...rest];
}

function compareLabels(a: Field, b: Field, keys: string[]): number {
  for (const key of keys) {
    const order = compareBytes(a.labels?.[key] ?? '', b.labels?.[key] ?? '');
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * Puts a wide series on a regular grid from `fromMs` to `toMs`: each step takes the last row of
 * (step - interval, step], and a step with no row gets the fill. Returns an error text instead of a
 * frame when the frame cannot be resampled (Grafana then keeps the frame and adds a notice).
 */
export function resampleWide(frame: Frame, fill: FillSpec, fromMs: number, toMs: number): Frame | string {
  const schema = seriesSchema(frame);
  if (schema.kind === 'not') return 'can not fill missing, not timeseries frame';
  const times = frame.fields[schema.timeIndex]!.values;
  const out = frame.fields.map((field) => ({ ...field, values: [] as unknown[] }));
  let lastSeen = -1;

  for (let step = fromMs; step <= toMs; step += fill.intervalMs) {
    const inStep: number[] = [];
    for (let row = lastSeen > 0 ? lastSeen + 1 : 0; row < times.length; row++) {
      const time = times[row];
      if (time === null || time === undefined) return 'time point is nil';
      if ((time as number) > step) break;
      if ((time as number) > step - fill.intervalMs) inStep.push(row);
      lastSeen = row;
    }
    frame.fields.forEach((field, index) => {
      out[index]!.values.push(resampledValue(field, index, schema, step, inStep, lastSeen, fill));
    });
  }
  return { ...frame, fields: out };
}

function resampledValue(
  field: Field,
  index: number,
  schema: SeriesSchema,
  step: number,
  inStep: number[],
  lastSeen: number,
  fill: FillSpec,
): unknown {
  if (index === schema.timeIndex) return step;
  if (!schema.valueIndices.includes(index)) return lastSeen >= 0 ? field.values[lastSeen] : null;
  if (inStep.length > 0) return field.values[inStep.at(-1)!];
  return missingValue(fill, field, lastSeen);
}
