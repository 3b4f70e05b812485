import type { DataQuery, DataSourceJsonData } from '@grafana/schema';

/** How the distributor shapes a panel query's rows: as they are, or as series over time. */
export type QueryFormat = 'table' | 'time_series';

/** A panel query: SQL over the viewer's scope, written as for Grafana's PostgreSQL data source. */
export interface OrgscopeQuery extends DataQuery {
  rawSql: string;
  format: QueryFormat;
}

export const DEFAULT_QUERY: Partial<OrgscopeQuery> = {
  format: 'time_series',
  rawSql: [
    'SELECT $__timeGroupAlias(responded_at, $__interval), avg(nps) AS nps',
    'FROM survey_responses',
    'WHERE $__timeFilter(responded_at)',
    'GROUP BY 1',
    'ORDER BY 1',
  ].join('\n'),
};

/** A query variable: SQL whose first column (or `__text`/`__value` pair) lists the options. */
export interface OrgscopeVariableQuery {
  refId?: string;
  rawSql: string;
}

/** Settings of the data source that are not secret. */
export interface OrgscopeOptions extends DataSourceJsonData {
  /** Address of the distributor as Grafana's server reaches it, e.g. http://distributor:3100. */
  distributorUrl?: string;
}

/** Settings kept encrypted by Grafana and only ever used by its data source proxy. */
export interface OrgscopeSecureOptions {
  /** Sent by the proxy as X-Orgscope-Key; must equal ROUTE_KEY of the distributor. */
  routeKey?: string;
}

/** Paths of the plugin.json routes, relative to the data source's proxy URL. */
export const ROUTES = {
  query: 'query',
  whoami: 'whoami',
  health: 'health',
  ready: 'ready',
  admin: 'admin',
} as const;

export interface ScopeRoot {
  code: string;
  name: string;
  kind: string;
}

/** What the distributor's /api/whoami says about the viewer. */
export interface Whoami {
  viewer: { login: string; email?: string; name?: string; kind: string };
  mapped: boolean;
  scope: {
    coversAll: boolean;
    storeCount: number;
    roots: ScopeRoot[];
    summary: string;
    roles: string[];
    permissions: { seeRows: boolean; seeContacts: boolean; admin: boolean; receiveReports: boolean };
  };
  /** Whom to ask, when the viewer is not mapped to any org unit. */
  message?: string;
}

/** Body of an error answer of the distributor. */
export interface DistributorError {
  message?: string;
  code?: string;
}
