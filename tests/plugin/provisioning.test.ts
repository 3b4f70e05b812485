import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

import { REPO } from './support/demoThroughProxy.js';

// The demo's wiring, read as Grafana and docker compose read it. docker-compose (Debian's package) reads
// and validates the compose file without a Docker engine.

interface Route {
  path: string;
  url: string;
  reqRole?: string;
  headers?: Array<{ name: string; content: string }>;
}

const pluginJson = JSON.parse(readFileSync(`${REPO}plugin/src/plugin.json`, 'utf8')) as {
  id: string;
  routes: Route[];
  dependencies: { grafanaDependency: string };
};
const compose = parse(
  execFileSync('docker-compose', ['-f', `${REPO}docker-compose.yml`, 'config'], { cwd: REPO, encoding: 'utf8' }),
) as {
  services: Record<
    string,
    { image?: string; environment?: Record<string, string>; volumes?: string[]; ports?: unknown[] }
  >;
};
const grafana = compose.services.grafana!;
const distributor = compose.services.distributor!;

describe('plugin.json routes', () => {
  it('add the route key from secureJsonData on every route', () => {
    for (const route of pluginJson.routes) {
      expect(route.headers).toEqual([{ name: 'X-Orgscope-Key', content: '{{ .SecureJsonData.routeKey }}' }]);
      expect(route.url).toMatch(/^\{\{ \.JsonData\.distributorUrl \}\}\/api\//);
    }
  });

  it('require the Admin role for the admin API, on the first route that matches it', () => {
    const first = pluginJson.routes.find((route) => 'admin/schedules'.startsWith(route.path));
    expect(first).toEqual(
      expect.objectContaining({ url: '{{ .JsonData.distributorUrl }}/api/admin', reqRole: 'Admin' }),
    );
  });

  it('give no non-admin route a way into the admin API', () => {
    for (const route of pluginJson.routes.filter((candidate) => candidate.reqRole !== 'Admin')) {
      expect(route.url).not.toMatch(/\/api\/?$/);
    }
  });
});

describe('docker-compose.yml', () => {
  it('runs a pinned Grafana OSS that matches the plugin dependency', () => {
    const version = /^grafana\/grafana:(\d+)\.(\d+)\.(\d+)$/.exec(grafana.image ?? '');
    expect(version).not.toBeNull();
    expect(Number(version![1]) * 100 + Number(version![2])).toBeGreaterThanOrEqual(1103);
    expect(pluginJson.dependencies.grafanaDependency).toBe('>=11.3.0');
  });

  it('loads the built plugin, unsigned, with user headers and ID tokens, and no anonymous access', () => {
    const env = grafana.environment!;
    expect(grafana.volumes).toContainEqual(
      expect.stringMatching(new RegExp(`/plugin/dist:/var/lib/grafana/plugins/${pluginJson.id}:ro$`)),
    );
    expect(env.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS).toBe(pluginJson.id);
    expect(env.GF_DATAPROXY_SEND_USER_HEADER).toBe('true');
    expect(env.GF_FEATURE_TOGGLES_ENABLE).toContain('idForwarding');
    expect(env.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
  });

  it('gives Grafana and the distributor the same route key, and the issuer Grafana writes', () => {
    expect(grafana.environment!.ORGSCOPE_ROUTE_KEY).toBe(distributor.environment!.ROUTE_KEY);
    expect(distributor.environment!.ROUTE_KEY!.length).toBeGreaterThanOrEqual(24);
    expect(distributor.environment!.GRAFANA_ISSUER).toBe(grafana.environment!.GF_SERVER_ROOT_URL);
    expect(distributor.environment!.GRAFANA_URL).toBe('http://grafana:3000');
  });

  it('keeps the distributor behind Grafana: no published port', () => {
    expect(distributor.ports).toBeUndefined();
  });

  it('has PostgreSQL, a mail catcher with a web page, and a one-shot demo user setup', () => {
    expect(compose.services.postgres?.image).toMatch(/^postgres:\d+/);
    expect(compose.services.mailcatcher?.ports).toBeDefined();
    expect(compose.services['grafana-setup']).toBeDefined();
  });
});

describe('Grafana provisioning', () => {
  it('provisions the Orgscope data source with the route key from the environment', () => {
    const file = parse(readFileSync(`${REPO}provisioning/grafana/datasources/orgscope.yaml`, 'utf8'));
    const source = file.datasources[0];
    expect(source.type).toBe(pluginJson.id);
    expect(source.jsonData.distributorUrl).toBe('http://distributor:3100');
    expect(source.secureJsonData.routeKey).toBe('$ORGSCOPE_ROUTE_KEY');
    expect(source.url).toBeUndefined();
  });

  it('points the dashboard provider at the folder compose mounts the dashboards in', () => {
    const file = parse(readFileSync(`${REPO}provisioning/grafana/dashboards/orgscope.yaml`, 'utf8'));
    const mount = grafana.volumes!.find((volume) => volume.includes('dashboard-json'))!;
    expect(mount.split(':')[1]).toBe(file.providers[0].options.path);
  });
});
