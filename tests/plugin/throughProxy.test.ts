import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { dashboard, panelTargets, variableSql } from './support/dashboards.js';
import {
  ALL_TIME,
  ALL_VARIABLES,
  DEMO_LOGINS,
  MAPPED_UNIT,
  startDemoThroughProxy,
  type DemoLogin,
  type DemoThroughProxy,
} from './support/demoThroughProxy.js';
import { contactPhones, regionsUnder, responsesUnder, storesUnder, unitName } from './support/groundTruth.js';
import type { QueryResult, VariableValue } from './support/protocol.js';

// The built plugin's query(), metricFindQuery() and testDatasource() in a browser-like process, through a
// stand-in for Grafana's data source proxy, against the real distributor on the demo chain.

let demo: DemoThroughProxy;
beforeAll(async () => {
  demo = await startDemoThroughProxy();
}, 180_000);
afterAll(async () => {
  await demo?.stop();
});

const overview = () => dashboard('orgscope-cx-overview');
const ranking = () => dashboard('orgscope-store-ranking');
const comments = () => dashboard('orgscope-verbatim-comments');

async function panel(login: DemoLogin, board: ReturnType<typeof dashboard>, title: string, variables = ALL_VARIABLES) {
  const result = await demo.browser.query(demo.cookies[login], panelTargets(board, title), ALL_TIME, variables);
  expect(result.errors).toEqual([]);
  return result;
}

function column(result: QueryResult, name: string): unknown[] {
  const field = result.frames[0]?.fields.find((candidate) => candidate.name === name);
  if (!field) throw new Error(`no column ${name} in ${JSON.stringify(result.frames[0]?.fields.map((f) => f.name))}`);
  return field.values;
}

function withStores(stores: string[]): VariableValue[] {
  return ALL_VARIABLES.map((variable) => (variable.name === 'store' ? { ...variable, current: stores } : variable));
}

describe('Save & test through the proxy', () => {
  it.each(DEMO_LOGINS)('tells %s whose scope they see', async (login) => {
    const result = await demo.browser.testDatasource(demo.cookies[login]);

    expect(result.status).toBe('success');
    expect(result.message).toContain(`Connected as ${login}.`);
    expect(result.message).toContain(await unitName(demo.distributor.db.admin, MAPPED_UNIT[login]));
  });

  it('warns a Grafana user who is mapped to nothing and says whom to ask', async () => {
    const visitor = demo.proxy.login({ login: 'visitor', id: 99, orgRole: 'Viewer' });

    const result = await demo.browser.testDatasource(visitor);

    expect(result.status).toBe('warning');
    expect(result.message).toContain('visitor is not mapped to any org unit');
  });
});

describe('each demo login sees the rows of their own scope', () => {
  it.each(DEMO_LOGINS)('overview: %s counts the responses and stores of their units only', async (login) => {
    const admin = demo.distributor.db.admin;
    const unit = MAPPED_UNIT[login];

    const responses = await panel(login, overview(), 'Responses');
    const stores = await panel(login, overview(), 'Stores in view');

    expect(column(responses, 'Responses')).toEqual([await responsesUnder(admin, [unit])]);
    expect(column(stores, 'Stores')).toEqual([(await storesUnder(admin, unit)).length]);
  });

  it.each(DEMO_LOGINS)('store ranking: %s ranks exactly the stores of their units', async (login) => {
    const result = await panel(login, ranking(), 'Stores ranked by NPS');

    const listed = (column(result, 'Store') as string[]).slice().sort();
    expect(listed).toEqual(await storesUnder(demo.distributor.db.admin, MAPPED_UNIT[login]));
  });

  it.each(DEMO_LOGINS)('store picker: %s is offered only the stores they may see', async (login) => {
    const options = await demo.browser.metricFindQuery(
      demo.cookies[login],
      variableSql(overview(), 'store'),
      ALL_TIME,
      ALL_VARIABLES,
    );

    const values = options.map((option) => option.value).sort();
    expect(values).toEqual(await storesUnder(demo.distributor.db.admin, MAPPED_UNIT[login]));
    expect(options[0]?.text).toMatch(/^[A-Z]{2}\d{3} /);
  });

  it.each(DEMO_LOGINS)('region picker: %s is offered only the regions inside their scope', async (login) => {
    const options = await demo.browser.metricFindQuery(
      demo.cookies[login],
      variableSql(overview(), 'region'),
      ALL_TIME,
    );

    const values = options.map((option) => option.value).sort();
    expect(values).toEqual(await regionsUnder(demo.distributor.db.admin, MAPPED_UNIT[login]));
  });

  it('comments: contact details are masked for an analyst and a region manager', async () => {
    for (const login of ['hq.analyst', 'east.manager'] as const) {
      const result = await panel(login, comments(), 'Comments');
      const phones = column(result, 'Phone').filter((phone) => phone !== null) as string[];

      expect(phones.length).toBeGreaterThan(0);
      expect(phones.every((phone) => phone.includes('*'))).toBe(true);
    }
  });

  it.each(['store.sh001', 'store.sh002'] as const)(
    'comments: %s sees the real contact details of their store',
    async (login) => {
      const result = await panel(login, comments(), 'Comments');
      const phones = column(result, 'Phone').filter((phone) => phone !== null) as string[];
      const real = await contactPhones(demo.distributor.db.admin, MAPPED_UNIT[login]);

      expect(new Set(column(result, 'Store'))).toEqual(new Set([MAPPED_UNIT[login]]));
      expect(phones.length).toBeGreaterThan(0);
      expect(phones.every((phone) => real.has(phone))).toBe(true);
    },
  );

  it('a multi-value store selection narrows the panel to those stores', async () => {
    const result = await panel('east.manager', overview(), 'Responses', withStores(['SH001', 'SH002']));

    expect(column(result, 'Responses')).toEqual([await responsesUnder(demo.distributor.db.admin, ['SH001', 'SH002'])]);
  });

  it("choosing a store outside one's scope shows nothing of it", async () => {
    const result = await panel('store.sh001', overview(), 'Responses', withStores(['SH002']));

    expect(column(result, 'Responses')).toEqual([0]);
  });

  it('a comment search with a quote in it is one string, not SQL', async () => {
    const variables = ALL_VARIABLES.map((v) => (v.name === 'search' ? { ...v, current: "x' OR '1'='1" } : v));

    const result = await panel('hq.analyst', comments(), 'Comments', variables);

    const rows = result.frames.reduce((sum, frame) => sum + (frame.fields[0]?.values.length ?? 0), 0);
    expect(rows).toBe(0);
  });
});

describe('panel errors', () => {
  it('shows a query error on its own panel and still answers the others', async () => {
    const result = await demo.browser.query(
      demo.cookies['hq.analyst'],
      [
        { refId: 'A', rawSql: 'SELECT count(*) AS n FROM survey_responses', format: 'table' },
        { refId: 'B', rawSql: 'SELECT no_such_column FROM survey_responses', format: 'table' },
      ],
      ALL_TIME,
    );

    expect(result.errors).toEqual([
      expect.objectContaining({ refId: 'B', message: expect.stringContaining('no_such_column') }),
    ]);
    expect(result.frames.map((frame) => frame.refId)).toEqual(['A']);
  });
});
