import {
  dateTime,
  FieldType,
  LoadingState,
  type DataQueryRequest,
  type DataSourceInstanceSettings,
} from '@grafana/data';
import type { BackendSrvRequest } from '@grafana/runtime';
import { describe, expect, it } from '@jest/globals';
import { lastValueFrom } from 'rxjs';

import { OrgscopeDataSource } from './datasource.js';
import {
  backendServiceStandIn,
  templateServiceStandIn,
  type Answer,
  type VariableStandIn,
} from './testing/grafanaFrontEndStandIn.js';
import type { OrgscopeOptions, OrgscopeQuery, Whoami } from './types.js';

const PROXY = '/api/datasources/proxy/uid/orgscope';

function settings(jsonData: OrgscopeOptions = { distributorUrl: 'http://distributor:3100' }) {
  return {
    id: 1,
    uid: 'orgscope',
    type: 'orgscope-orgscope-datasource',
    name: 'Orgscope',
    url: PROXY,
    jsonData,
    access: 'proxy',
    readOnly: false,
    meta: {},
  } as unknown as DataSourceInstanceSettings<OrgscopeOptions>;
}

function dataSource(
  answer: (request: BackendSrvRequest) => Answer,
  variables: VariableStandIn[] = [],
  jsonData?: OrgscopeOptions,
) {
  const backend = backendServiceStandIn(answer);
  const ds = new OrgscopeDataSource(settings(jsonData), {
    backendSrv: backend.backendSrv,
    templateSrv: templateServiceStandIn(variables),
  });
  return { ds, requests: backend.requests };
}

function request(targets: Array<Partial<OrgscopeQuery>>): DataQueryRequest<OrgscopeQuery> {
  const from = dateTime('2025-01-01T00:00:00Z');
  const to = dateTime('2025-01-02T00:00:00Z');
  return {
    requestId: 'Q1',
    interval: '1h',
    intervalMs: 3_600_000,
    maxDataPoints: 500,
    range: { from, to, raw: { from: 'now-1d', to: 'now' } },
    scopedVars: {},
    targets: targets.map((target, i) => ({
      refId: String.fromCharCode(65 + i),
      format: 'table',
      rawSql: '',
      ...target,
    })),
    timezone: 'utc',
    app: 'dashboard',
    startTime: 0,
  } as DataQueryRequest<OrgscopeQuery>;
}

const npsFrame = {
  schema: {
    refId: 'A',
    meta: { typeVersion: [0, 0], executedQueryString: 'SELECT ...' },
    fields: [
      { name: 'time', type: 'time', typeInfo: { frame: 'time.Time', nullable: true } },
      { name: 'nps', type: 'number', typeInfo: { frame: 'float64', nullable: true } },
    ],
  },
  data: {
    values: [
      [1735689600000, 1735693200000],
      [41.5, null],
    ],
  },
};

const storeVariable: VariableStandIn = { name: 'store', current: ['SH001', "SH'2"], multi: true };

describe('query()', () => {
  it('posts the interpolated SQL to the query route with the range as epoch milliseconds', async () => {
    const { ds, requests } = dataSource(
      () => ({ status: 200, data: { results: { A: { frames: [npsFrame] } } } }),
      [storeVariable, { name: 'channel', current: "tm'all" }],
    );

    await lastValueFrom(ds.query(request([{ rawSql: "SELECT 1 WHERE code IN ($store) AND channel = '$channel'" }])));

    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe(`${PROXY}/query`);
    expect(requests[0]!.method).toBe('POST');
    expect(requests[0]!.data).toEqual({
      queries: [
        {
          refId: 'A',
          rawSql: "SELECT 1 WHERE code IN ('SH001','SH''2') AND channel = 'tm''all'",
          format: 'table',
          intervalMs: 3_600_000,
          maxDataPoints: 500,
        },
      ],
      range: { from: '1735689600000', to: '1735776000000' },
    });
  });

  it('turns the answer into data frames', async () => {
    const { ds } = dataSource(() => ({ status: 200, data: { results: { A: { frames: [npsFrame] } } } }));

    const response = await lastValueFrom(ds.query(request([{ rawSql: 'SELECT 1', format: 'time_series' }])));

    expect(response.error).toBeUndefined();
    expect(response.data).toHaveLength(1);
    const frame = response.data[0];
    expect(frame.refId).toBe('A');
    expect(frame.fields.map((field: { name: string; type: FieldType }) => [field.name, field.type])).toEqual([
      ['time', FieldType.time],
      ['nps', FieldType.number],
    ]);
    expect(Array.from(frame.fields[1].values)).toEqual([41.5, null]);
  });

  it('shows an SQL error on the panel of the query that failed', async () => {
    const results = { A: { frames: [npsFrame] }, B: { error: 'column "npss" does not exist', status: 400 } };
    const { ds } = dataSource(() => ({ status: 400, data: { results } }));

    const response = await lastValueFrom(ds.query(request([{ rawSql: 'SELECT 1' }, { rawSql: 'SELECT npss' }])));

    expect(response.state).toBe(LoadingState.Error);
    expect(response.errors).toEqual([expect.objectContaining({ refId: 'B', message: 'column "npss" does not exist' })]);
    expect(response.data.map((frame: { refId?: string }) => frame.refId)).toEqual(['A']);
  });

  it('shows a refused request as an error, with the message of whoever refused it', async () => {
    const { ds } = dataSource(() => ({ status: 400, data: 'Authentication to data source failed' }));

    const response = await lastValueFrom(ds.query(request([{ rawSql: 'SELECT 1' }])));

    expect(response.state).toBe(LoadingState.Error);
    expect(response.error?.message).toBe('Authentication to data source failed');
  });

  it('sends nothing for hidden or empty queries', async () => {
    const { ds, requests } = dataSource(() => ({ status: 200, data: { results: {} } }));

    const response = await lastValueFrom(ds.query(request([{ rawSql: '  ' }, { rawSql: 'SELECT 1', hide: true }])));

    expect(response.data).toEqual([]);
    expect(requests).toHaveLength(0);
  });
});

describe('metricFindQuery()', () => {
  it('lists __text/__value pairs from the answer', async () => {
    const frame = {
      schema: {
        refId: 'metricFindQuery',
        fields: [
          { name: '__text', type: 'string' },
          { name: '__value', type: 'string' },
        ],
      },
      data: {
        values: [
          ['Shanghai Nanjing Rd', 'Shanghai Huaihai Rd'],
          ['SH001', 'SH002'],
        ],
      },
    };
    const { ds, requests } = dataSource(
      () => ({ status: 200, data: { results: { metricFindQuery: { frames: [frame] } } } }),
      [{ name: 'region', current: 'EAST' }],
    );

    const options = await ds.metricFindQuery({
      rawSql: "SELECT name AS __text, code AS __value FROM org_units WHERE r = '$region'",
    });

    expect(options).toEqual([
      { text: 'Shanghai Nanjing Rd', value: 'SH001' },
      { text: 'Shanghai Huaihai Rd', value: 'SH002' },
    ]);
    const sent = requests[0]!.data as { queries: Array<{ rawSql: string; refId: string }> };
    expect(sent.queries[0]).toEqual(
      expect.objectContaining({
        refId: 'metricFindQuery',
        rawSql: "SELECT name AS __text, code AS __value FROM org_units WHERE r = 'EAST'",
      }),
    );
  });

  it('fails with the message of the query error', async () => {
    const { ds } = dataSource(() => ({
      status: 400,
      data: { results: { metricFindQuery: { error: 'syntax error at or near "FORM"', status: 400 } } },
    }));

    await expect(ds.metricFindQuery('SELECT code FORM org_units')).rejects.toThrow('syntax error at or near "FORM"');
  });
});

const eastManager: Whoami = {
  viewer: { login: 'east.manager', kind: 'user' },
  mapped: true,
  scope: {
    coversAll: false,
    storeCount: 42,
    roots: [{ code: 'EAST', name: 'Region East', kind: 'region' }],
    summary: 'Region East, 42 stores',
    roles: ['region_manager'],
    permissions: { seeRows: true, seeContacts: false, admin: false, receiveReports: true },
  },
};

function routes(byRoute: Record<string, Answer>) {
  return (request: BackendSrvRequest): Answer =>
    byRoute[request.url.slice(PROXY.length + 1)] ?? { status: 404, data: { message: 'no route' } };
}

describe('testDatasource()', () => {
  const healthy = {
    health: { status: 200, data: { status: 'ok' } },
    ready: { status: 200, data: { status: 'ready' } },
  };

  it('says whose scope the tester sees when everything works', async () => {
    const { ds, requests } = dataSource(routes({ ...healthy, whoami: { status: 200, data: eastManager } }));

    const result = await ds.testDatasource();

    expect(result).toEqual({
      status: 'success',
      message: 'Connected as east.manager. You see: Region East, 42 stores.',
    });
    expect(requests.map((r) => r.url)).toEqual([`${PROXY}/health`, `${PROXY}/ready`, `${PROXY}/whoami`]);
  });

  it('warns an unmapped tester and says whom to ask', async () => {
    const unmapped = {
      ...eastManager,
      viewer: { login: 'visitor', kind: 'user' },
      mapped: false,
      message: 'Ask admin@orgscope.example.',
    };
    const { ds } = dataSource(routes({ ...healthy, whoami: { status: 200, data: unmapped } }));

    const result = await ds.testDatasource();

    expect(result.status).toBe('warning');
    expect(result.message).toContain('visitor is not mapped to any org unit');
    expect(result.message).toContain('Ask admin@orgscope.example.');
  });

  it('names the Distributor URL setting when the distributor cannot be reached', async () => {
    const { ds } = dataSource(routes({ health: { status: 502, data: { message: 'Bad Gateway' } } }));

    const result = await ds.testDatasource();

    expect(result.status).toBe('error');
    expect(result.message).toContain('Grafana cannot reach the distributor at http://distributor:3100');
    expect(result.message).toContain('Distributor URL');
  });

  it('asks for a Distributor URL before trying anything', async () => {
    const { ds, requests } = dataSource(routes({}), [], {});

    const result = await ds.testDatasource();

    expect(result.message).toContain('Distributor URL is empty');
    expect(requests).toHaveLength(0);
  });

  it('says the database is down when the distributor is not ready', async () => {
    const { ds } = dataSource(
      routes({ ...healthy, ready: { status: 503, data: { message: 'PostgreSQL cannot be reached.' } } }),
    );

    const result = await ds.testDatasource();

    expect(result.message).toContain('PostgreSQL cannot be reached.');
    expect(result.message).toContain('DATABASE_URL');
  });

  it("names the route key and grafana.ini settings when Grafana's proxy hides the refusal", async () => {
    const { ds } = dataSource(
      routes({ ...healthy, whoami: { status: 400, data: 'Authentication to data source failed' } }),
    );

    const result = await ds.testDatasource();

    expect(result.status).toBe('error');
    expect(result.message).toContain('Route key');
    expect(result.message).toContain('idForwarding');
  });

  it("passes on the distributor's own reason with the setting to change", async () => {
    const refusal = { message: 'X-Grafana-Id is missing: enable ID forwarding', code: 'unauthenticated' };
    const { ds } = dataSource(routes({ ...healthy, whoami: { status: 403, data: refusal } }));

    const result = await ds.testDatasource();

    expect(result.message).toContain('X-Grafana-Id is missing: enable ID forwarding');
    expect(result.message).toContain('[feature_toggles] idForwarding = true');
  });
});
