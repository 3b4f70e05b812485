import type { FrameType } from './pgTypes.js';

/** A column of a frame while it is being built. Times are epoch milliseconds; a missing value is null. */
export interface Field {
  name: string;
  type: FrameType;
  nullable: boolean;
  values: unknown[];
  labels?: Record<string, string>;
}

export interface Notice {
  severity: 'info' | 'warning' | 'error';
  text: string;
}

export interface FrameMeta {
  type?: 'timeseries-wide';
  typeVersion: [number, number];
  notices?: Notice[];
  executedQueryString?: string;
}

export interface Frame {
  name?: string;
  fields: Field[];
  meta: FrameMeta;
}

/** The simple type Grafana's front end reads from a field (`schema.fields[].type`). */
export type FieldKind = 'time' | 'number' | 'string' | 'boolean' | 'other';

export interface DataFieldJson {
  name?: string;
  type: FieldKind;
  typeInfo: { frame: FrameType; nullable?: true };
  labels?: Record<string, string>;
  config?: Record<string, unknown>;
}

/** Row indices of values JSON cannot carry; the front end puts them back in place of the nulls. */
export interface FieldEntitiesJson {
  NaN?: number[];
  Inf?: number[];
  NegInf?: number[];
}

/**
 * A data frame as Grafana's `/api/ds/query` returns it (the plugin SDK's JSON encoding), which
 * `toDataQueryResponse` in `@grafana/runtime` reads: keys in the SDK's order, empty ones left out.
 */
export interface DataFrameJson {
  schema: {
    name?: string;
    refId: string;
    meta: FrameMeta & Record<string, unknown>;
    fields: DataFieldJson[];
  };
  data: { values: unknown[][]; entities?: (FieldEntitiesJson | null)[] };
}

const KIND: Record<FrameType, FieldKind> = {
  int16: 'number',
  int32: 'number',
  int64: 'number',
  float64: 'number',
  bool: 'boolean',
  string: 'string',
  'time.Time': 'time',
  'json.RawMessage': 'other',
};

export function encodeFrame(frame: Frame, refId: string): DataFrameJson {
  const schema: DataFrameJson['schema'] = {
    ...(frame.name ? { name: frame.name } : {}),
    refId,
    meta: encodeMeta(frame.meta),
    fields: frame.fields.map(encodeField),
  };
  return { schema, data: encodeData(frame.fields) };
}

function encodeMeta(meta: FrameMeta): DataFrameJson['schema']['meta'] {
  return {
    ...(meta.type ? { type: meta.type } : {}),
    typeVersion: meta.typeVersion,
    ...(meta.notices?.length ? { notices: meta.notices } : {}),
    ...(meta.executedQueryString !== undefined ? { executedQueryString: meta.executedQueryString } : {}),
  };
}

function encodeField(field: Field): DataFieldJson {
  return {
    ...(field.name ? { name: field.name } : {}),
    type: KIND[field.type],
    typeInfo: field.nullable ? { frame: field.type, nullable: true } : { frame: field.type },
    ...(field.labels ? { labels: sortedLabels(field.labels) } : {}),
  };
}

/** Go writes a map with its keys sorted. */
function sortedLabels(labels: Record<string, string>): Record<string, string> {
  const keys = Object.keys(labels).sort(compareBytes);
  return Object.fromEntries(keys.map((key) => [key, labels[key]!]));
}

function encodeData(fields: Field[]): DataFrameJson['data'] {
  const entities = fields.map((field) => (field.type === 'float64' ? specialEntities(field.values) : null));
  const values = fields.map((field) => (field.type === 'float64' ? field.values.map(finiteOrNull) : field.values));
  return entities.some((entry) => entry !== null) ? { values, entities } : { values };
}

const finiteOrNull = (value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value);

function specialEntities(values: unknown[]): FieldEntitiesJson | null {
  const found: FieldEntitiesJson = {};
  values.forEach((value, index) => {
    if (typeof value !== 'number' || Number.isFinite(value)) return;
    const key = Number.isNaN(value) ? 'NaN' : value > 0 ? 'Inf' : 'NegInf';
    (found[key] ??= []).push(index);
  });
  return Object.keys(found).length > 0 ? found : null;
}

/** Orders strings by their UTF-8 bytes, as Go compares strings. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
