/** Messages between the end-to-end tests and the browser-side process that runs the built plugin. */

/** A dashboard variable's current value, as the template service would hold it. */
export interface VariableValue {
  name: string;
  /** '$__all' when "All" is selected. */
  current: string | string[];
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
}

export interface WireTarget {
  refId: string;
  rawSql: string;
  format?: 'table' | 'time_series';
  hide?: boolean;
}

export type HostCommand = { id: number; cookie: string; variables?: VariableValue[] } & (
  | {
      op: 'query';
      request: {
        targets: WireTarget[];
        range: { from: string; to: string };
        intervalMs?: number;
        maxDataPoints?: number;
      };
    }
  | { op: 'metricFindQuery'; query: { rawSql: string }; range: { from: string; to: string } }
  | { op: 'testDatasource' }
);

export type HostReply = { id: number; result?: unknown; error?: string };

export interface PlainField {
  name: string;
  type: string;
  labels?: Record<string, string>;
  values: unknown[];
}

export interface PlainFrame {
  refId?: string;
  name?: string;
  fields: PlainField[];
}

export interface QueryResult {
  state: string;
  errors: Array<{ refId?: string; message?: string; status?: number }>;
  frames: PlainFrame[];
}
