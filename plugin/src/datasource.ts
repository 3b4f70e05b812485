import {
  DataSourceApi,
  getDefaultTimeRange,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type MetricFindValue,
  type ScopedVars,
  type TestDataSourceResponse,
  type TimeRange,
} from '@grafana/data';
import {
  getBackendSrv,
  getTemplateSrv,
  toDataQueryResponse,
  type BackendDataSourceResponse,
  type BackendSrv,
  type FetchError,
  type TemplateSrv,
} from '@grafana/runtime';
import { catchError, lastValueFrom, map, of, type Observable } from 'rxjs';

import { explainTestFailure, isFetchError } from './testResult.js';
import { interpolateVariable, toMetricFindValues } from './sql.js';
import {
  ROUTES,
  type OrgscopeOptions,
  type OrgscopeQuery,
  type OrgscopeVariableQuery,
  type QueryFormat,
  type Whoami,
} from './types.js';

/** What Grafana's front end provides; passed in by tests, taken from @grafana/runtime otherwise. */
export interface GrafanaServices {
  backendSrv: BackendSrv;
  templateSrv: TemplateSrv;
}

interface WireQuery {
  refId: string;
  rawSql: string;
  format: QueryFormat;
  intervalMs?: number;
  maxDataPoints?: number;
}

export class OrgscopeDataSource extends DataSourceApi<OrgscopeQuery, OrgscopeOptions> {
  /** Base of the plugin.json routes: Grafana's data source proxy for this data source. */
  readonly proxyUrl: string;
  readonly distributorUrl?: string;
  private readonly services: () => GrafanaServices;
  private whoamiAnswer?: Promise<Whoami>;

  constructor(instanceSettings: DataSourceInstanceSettings<OrgscopeOptions>, services?: GrafanaServices) {
    super(instanceSettings);
    this.proxyUrl = instanceSettings.url ?? '';
    this.distributorUrl = instanceSettings.jsonData?.distributorUrl;
    this.services = () => services ?? { backendSrv: getBackendSrv(), templateSrv: getTemplateSrv() };
    // An empty object turns on Grafana's standard annotation support: the annotation query is a
    // panel query whose frame has time, timeend, text and tags columns.
    this.annotations = {};
  }

  override getDefaultQuery(): Partial<OrgscopeQuery> {
    return { format: 'table', rawSql: '' };
  }

  override filterQuery(query: OrgscopeQuery): boolean {
    return !query.hide && Boolean(query.rawSql?.trim());
  }

  applyTemplateVariables(query: OrgscopeQuery, scopedVars: ScopedVars): OrgscopeQuery {
    return { ...query, rawSql: this.interpolate(query.rawSql, scopedVars) };
  }

  override interpolateVariablesInQueries(queries: OrgscopeQuery[], scopedVars: ScopedVars): OrgscopeQuery[] {
    return queries.map((query) => this.applyTemplateVariables(query, scopedVars));
  }

  override query(request: DataQueryRequest<OrgscopeQuery>): Observable<DataQueryResponse> {
    const queries = request.targets
      .filter((query) => this.filterQuery(query))
      .map((query) => this.toWire(this.applyTemplateVariables(query, request.scopedVars), request));
    if (queries.length === 0) {
      return of({ data: [] });
    }

    return this.postQueries(queries, request.range, request.requestId);
  }

  override async metricFindQuery(
    query: OrgscopeVariableQuery | string,
    options?: { range?: TimeRange; scopedVars?: ScopedVars },
  ): Promise<MetricFindValue[]> {
    const rawSql = this.interpolate(typeof query === 'string' ? query : query.rawSql, options?.scopedVars ?? {});
    const wire: WireQuery = { refId: 'metricFindQuery', rawSql, format: 'table' };
    const response = await lastValueFrom(this.postQueries([wire], options?.range ?? getDefaultTimeRange()));
    if (response.error) {
      throw new Error(response.error.message ?? 'The variable query failed');
    }

    const frame = response.data[0];
    return frame ? toMetricFindValues(frame.fields) : [];
  }

  /** Who the distributor sees in the current Grafana user, and their scope. Asked once per instance. */
  whoami(): Promise<Whoami> {
    this.whoamiAnswer ??= this.get<Whoami>(ROUTES.whoami).catch((error: unknown) => {
      this.whoamiAnswer = undefined;
      throw error;
    });
    return this.whoamiAnswer;
  }

  override async testDatasource(): Promise<TestDataSourceResponse> {
    if (!this.distributorUrl) {
      return failure(
        'Distributor URL is empty: set it to the address where Grafana reaches the distributor, e.g. http://distributor:3100.',
      );
    }
    try {
      await this.get(ROUTES.health);
      await this.get(ROUTES.ready);
      this.whoamiAnswer = undefined;
      return describeViewer(await this.whoami());
    } catch (error) {
      return failure(explainTestFailure(error, this.distributorUrl));
    }
  }

  private interpolate(sql: string, scopedVars: ScopedVars): string {
    return this.services().templateSrv.replace(sql, scopedVars, interpolateVariable);
  }

  private toWire(query: OrgscopeQuery, request: DataQueryRequest<OrgscopeQuery>): WireQuery {
    return {
      refId: query.refId,
      rawSql: query.rawSql,
      format: query.format ?? 'table',
      intervalMs: request.intervalMs,
      maxDataPoints: request.maxDataPoints,
    };
  }

  private postQueries(queries: WireQuery[], range: TimeRange, requestId?: string): Observable<DataQueryResponse> {
    const data = {
      queries,
      range: { from: String(range.from.valueOf()), to: String(range.to.valueOf()) },
    };
    return this.services()
      .backendSrv.fetch<BackendDataSourceResponse>({
        url: this.routeUrl(ROUTES.query),
        method: 'POST',
        data,
        requestId,
      })
      .pipe(
        map((response) => toDataQueryResponse(response, queries)),
        // A refused or failed request still answers every panel query with its error, on its panel.
        catchError((error: unknown) => of(toDataQueryResponse(asQueryError(error), queries))),
      );
  }

  private async get<T>(route: string): Promise<T> {
    const response = await lastValueFrom(
      this.services().backendSrv.fetch<T>({ url: this.routeUrl(route), method: 'GET', showErrorAlert: false }),
    );
    return response.data;
  }

  private routeUrl(route: string): string {
    return `${this.proxyUrl}/${route}`;
  }
}

function describeViewer(answer: Whoami): TestDataSourceResponse {
  const login = answer.viewer.login;
  if (!answer.mapped) {
    const ask = answer.message ?? 'Ask an Orgscope admin to map you to your org units.';
    return {
      status: 'warning',
      message: `Connected, but ${login} is not mapped to any org unit and sees no rows. ${ask}`,
    };
  }
  return { status: 'success', message: `Connected as ${login}. You see: ${answer.scope.summary}.` };
}

function failure(message: string): TestDataSourceResponse {
  return { status: 'error', message };
}

/** Grafana's proxy answers some failures with plain text; toDataQueryResponse wants a message. */
function asQueryError(error: unknown): FetchError | { data: { message: string }; status?: number } {
  if (isFetchError(error)) {
    const body = error.data as unknown;
    if (typeof body === 'string') {
      return { ...error, data: { message: body || `Query failed: HTTP ${error.status}` } };
    }
    return error;
  }
  return { data: { message: error instanceof Error ? error.message : 'The query could not be sent' } };
}
