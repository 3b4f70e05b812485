import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { startGrafanaProxyStandIn, type GrafanaProxyStandIn } from '../support/grafanaProxyStandIn.js';
import { ALL_TIME, PLUGIN_DIST, startDemoThroughProxy, type DemoThroughProxy } from './support/demoThroughProxy.js';
import { startPluginBrowser, type PluginBrowser } from './support/browser.js';
import { responsesUnder } from './support/groundTruth.js';

// What Grafana's data source proxy, configured by the built plugin.json, lets through to the distributor.

let demo: DemoThroughProxy;
beforeAll(async () => {
  // The data source's own URL points at the distributor here, the worst case for paths outside the routes.
  demo = await startDemoThroughProxy({ dataSourceUrl: 'distributor' });
}, 180_000);
afterAll(async () => {
  await demo?.stop();
});

async function viaProxy(cookie: string, path: string, init: RequestInit = {}) {
  const response = await fetch(`${demo.proxy.url}${demo.proxy.proxyPath}/${path}`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), cookie },
  });
  const text = await response.text();
  return { status: response.status, text };
}

describe('route headers', () => {
  it('a browser cannot forge the route key, the ID token or the user header', async () => {
    const body = JSON.stringify({
      queries: [{ refId: 'A', rawSql: 'SELECT count(*) AS n FROM survey_responses', format: 'table' }],
      range: { from: String(Date.parse(ALL_TIME.from)), to: String(Date.parse(ALL_TIME.to)) },
    });
    const forged = {
      'content-type': 'application/json',
      'x-orgscope-key': 'forged-key-forged-key-forged-key',
      'x-grafana-id': 'forged.token.value',
      'x-grafana-user': 'admin',
    };

    const answer = await viaProxy(demo.cookies['store.sh001'], 'query', { method: 'POST', headers: forged, body });

    expect(answer.status).toBe(200);
    const n = JSON.parse(answer.text).results.A.frames[0].data.values[0][0];
    expect(n).toBe(await responsesUnder(demo.distributor.db.admin, ['SH001']));
    const sent = demo.proxy.forwarded.at(-1)!;
    expect(sent.headers['x-orgscope-key']).toBe(demo.distributor.routeKey);
    expect(sent.headers['x-grafana-user']).toBe('store.sh001');
    expect(sent.headers['x-grafana-id']).not.toBe('forged.token.value');
  });

  it('every route goes to the distributor address of the data source settings', async () => {
    await viaProxy(demo.cookies['east.manager'], 'whoami');

    expect(demo.proxy.forwarded.at(-1)!.target).toBe(`${demo.distributor.url}/api/whoami`);
  });
});

describe('paths outside the routes', () => {
  it('reach the distributor without the route key, which refuses them', async () => {
    const answer = await viaProxy(demo.cookies.admin, 'api/whoami');

    expect(answer.status).toBe(400);
    expect(answer.text).toBe('Authentication to data source failed');
    const sent = demo.proxy.forwarded.at(-1)!;
    expect(sent.route).toBeUndefined();
    expect(sent.headers['x-orgscope-key']).toBeUndefined();
  });

  it('reach the distributor without the route key even when the browser sends one', async () => {
    const answer = await viaProxy(demo.cookies.admin, 'api/whoami', {
      headers: { 'x-orgscope-key': 'guessed-key-guessed-key-guessed' },
    });

    expect(answer.status).toBe(400);
    expect(answer.text).toBe('Authentication to data source failed');
  });

  it('cannot climb from a route into the admin API', async () => {
    const answer = await viaProxy(demo.cookies['east.manager'], 'whoami/../admin/schedules');

    expect(answer.status).toBe(403);
    expect(answer.text).toContain('plugin proxy route access denied');
  });
});

describe('admin routes', () => {
  it('are refused by Grafana to a user without the Admin role', async () => {
    const before = demo.proxy.forwarded.length;

    const answer = await viaProxy(demo.cookies['hq.analyst'], 'admin/schedules');

    expect(answer.status).toBe(403);
    expect(answer.text).toContain('plugin proxy route access denied');
    expect(demo.proxy.forwarded.length).toBe(before);
  });

  it('reach the distributor admin API, with the route key, for an Admin', async () => {
    await viaProxy(demo.cookies.admin, 'admin/schedules');

    const sent = demo.proxy.forwarded.at(-1)!;
    expect(sent.target).toBe(`${demo.distributor.url}/api/admin/schedules`);
    expect(sent.headers['x-orgscope-key']).toBe(demo.distributor.routeKey);
  });
});

describe('Save & test explains a wrong setting', () => {
  let other: GrafanaProxyStandIn | undefined;
  let browser: PluginBrowser | undefined;
  afterAll(async () => {
    await browser?.stop();
    await other?.stop();
  });

  async function testWith(jsonData: Record<string, string>, secureJsonData: Record<string, string>) {
    await browser?.stop();
    await other?.stop();
    other = await startGrafanaProxyStandIn({
      pluginDir: PLUGIN_DIST,
      grafana: demo.distributor.grafana,
      dataSource: { uid: 'misconfigured', jsonData, secureJsonData },
    });
    browser = await startPluginBrowser({
      pluginDir: PLUGIN_DIST,
      grafanaUrl: other.url,
      dataSourceSettings: { uid: 'misconfigured', url: other.proxyPath, jsonData, meta: {} },
    });
    return browser.testDatasource(other.login({ login: 'admin', id: 1, orgRole: 'Admin' }));
  }

  it('names the route key when it does not match', async () => {
    const result = await testWith(
      { distributorUrl: demo.distributor.url },
      { routeKey: 'not-the-route-key-of-this-distributor' },
    );

    expect(result.status).toBe('error');
    expect(result.message).toContain("Route key equals the distributor's ROUTE_KEY");
  });

  it('names the Distributor URL when nothing answers there', async () => {
    const result = await testWith({ distributorUrl: 'http://127.0.0.1:9' }, { routeKey: demo.distributor.routeKey });

    expect(result.status).toBe('error');
    expect(result.message).toContain('Grafana cannot reach the distributor at http://127.0.0.1:9');
  });
});
