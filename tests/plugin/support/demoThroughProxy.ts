import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import pino from 'pino';

import { loadConfig } from '../../../distributor/src/config.js';
import { seedDemoOnFirstStart } from '../../../distributor/src/firstStart.js';
import { startTestDistributor, type TestDistributor } from '../../support/distributor.js';
import {
  startGrafanaProxyStandIn,
  type GrafanaProxyStandIn,
  type ProxyUser,
} from '../../support/grafanaProxyStandIn.js';
import { startPluginBrowser, type PluginBrowser } from './browser.js';
import type { VariableValue } from './protocol.js';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const PLUGIN_DIST = `${REPO}plugin/dist`;
export const DASHBOARD_DIR = `${REPO}provisioning/grafana/dashboard-json`;

/** Demo logins of provisioning/orgtree with their Grafana org roles as the compose setup creates them. */
export const DEMO_USERS = {
  admin: { login: 'admin', id: 1, orgRole: 'Admin', email: 'admin@orgscope.example' },
  'hq.analyst': { login: 'hq.analyst', id: 2, orgRole: 'Editor', email: 'hq.analyst@orgscope.example' },
  'east.manager': { login: 'east.manager', id: 3, orgRole: 'Viewer', email: 'east.manager@orgscope.example' },
  'store.sh001': { login: 'store.sh001', id: 4, orgRole: 'Viewer', email: 'store.sh001@orgscope.example' },
  'store.sh002': { login: 'store.sh002', id: 5, orgRole: 'Viewer', email: 'store.sh002@orgscope.example' },
} as const satisfies Record<string, ProxyUser>;
export type DemoLogin = keyof typeof DEMO_USERS;
export const DEMO_LOGINS = Object.keys(DEMO_USERS) as DemoLogin[];

/** The org unit each demo login is mapped to (provisioning/orgtree/people.yaml). */
export const MAPPED_UNIT: Record<DemoLogin, string> = {
  admin: 'HQ',
  'hq.analyst': 'HQ',
  'east.manager': 'EAST',
  'store.sh001': 'SH001',
  'store.sh002': 'SH002',
};

/** Every row of the demo data, whatever its date. */
export const ALL_TIME = { from: '2000-01-01T00:00:00Z', to: new Date(Date.now() + 86_400_000).toISOString() };

/** Dashboard variables on "All", as a dashboard first opens. */
export const ALL_VARIABLES: VariableValue[] = [
  { name: 'region', current: '$__all', multi: true, includeAll: true, allValue: "'*'" },
  { name: 'store', current: '$__all', multi: true, includeAll: true, allValue: "'*'" },
  { name: 'search', current: '' },
];

export interface DemoThroughProxy {
  distributor: TestDistributor;
  proxy: GrafanaProxyStandIn;
  browser: PluginBrowser;
  cookies: Record<DemoLogin, string>;
  stop(): Promise<void>;
}

/**
 * The real distributor on the demo chain with a small demo data set, Grafana's data source proxy stood
 * in for in front of it (routes from the built plugin.json), and the built plugin in a browser process.
 */
export async function startDemoThroughProxy(options: { dataSourceUrl?: string } = {}): Promise<DemoThroughProxy> {
  ensurePluginBuilt();
  const distributor = await startTestDistributor({
    arrange: async (db) => {
      const config = loadConfig({ DEMO_SIZE: '3000', DEMO_SEED: '42' });
      await seedDemoOnFirstStart(db.url, config, pino({ level: 'silent' }));
    },
  });
  const dataSource = {
    uid: 'orgscope',
    url: options.dataSourceUrl === 'distributor' ? distributor.url : options.dataSourceUrl,
    jsonData: { distributorUrl: distributor.url },
    secureJsonData: { routeKey: distributor.routeKey },
  };
  const proxy = await startGrafanaProxyStandIn({ pluginDir: PLUGIN_DIST, grafana: distributor.grafana, dataSource });
  const browser = await startPluginBrowser({
    pluginDir: PLUGIN_DIST,
    grafanaUrl: proxy.url,
    dataSourceSettings: {
      id: 1,
      uid: dataSource.uid,
      type: 'orgscope-orgscope-datasource',
      name: 'Orgscope',
      url: proxy.proxyPath,
      access: 'proxy',
      jsonData: dataSource.jsonData,
      meta: JSON.parse(readFileSync(`${PLUGIN_DIST}/plugin.json`, 'utf8')),
    },
  });
  const cookies = Object.fromEntries(DEMO_LOGINS.map((login) => [login, proxy.login(DEMO_USERS[login])])) as Record<
    DemoLogin,
    string
  >;
  return {
    distributor,
    proxy,
    browser,
    cookies,
    stop: async () => {
      await browser.stop();
      await proxy.stop();
      await distributor.stop();
    },
  };
}

/** The tests run the plugin as Grafana loads it: built. A missing or older build is rebuilt first. */
function ensurePluginBuilt(): void {
  const built = `${PLUGIN_DIST}/module.js`;
  if (existsSync(built) && existsSync(`${PLUGIN_DIST}/plugin.json`) && newestSource() <= statSync(built).mtimeMs)
    return;
  execFileSync('npm', ['run', 'build', '-w', 'plugin'], { cwd: REPO, stdio: 'ignore' });
  // webpack leaves an unchanged output file untouched; mark the build as newer than its sources.
  const now = new Date();
  utimesSync(built, now, now);
}

function newestSource(): number {
  const dir = `${REPO}plugin/src`;
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  return Math.max(...files.map((file) => statSync(`${dir}/${file}`).mtimeMs));
}
