/*
 * The browser side of the end-to-end tests, in a process of its own: the BUILT plugin (dist/module.js,
 * an AMD module as Grafana loads it) runs on the real @grafana/data and @grafana/runtime, inside a
 * jsdom window. Grafana's front end is stood in for by two services set through @grafana/runtime: the
 * backend service sends HTTP to the Grafana proxy stand-in with the user's session cookie, and the
 * template service fills in dashboard variables. Commands arrive over IPC from browser.ts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { JSDOM } from 'jsdom';

import type { HostCommand, HostReply, PlainFrame, VariableValue } from './protocol.js';

const require = createRequire(import.meta.url);

installWindow();
// @grafana/ui imports CSS files for webpack; Node has nothing to do with them.
require.extensions['.css'] = () => undefined;

const data = require('@grafana/data') as typeof import('@grafana/data');
const runtime = require('@grafana/runtime') as typeof import('@grafana/runtime');
const rxjs = require('rxjs') as typeof import('rxjs');

const pluginDir = process.env.ORGSCOPE_PLUGIN_DIR!;
const grafanaUrl = process.env.ORGSCOPE_GRAFANA_URL!;
const settings = JSON.parse(process.env.ORGSCOPE_DATASOURCE_SETTINGS!);

let cookie = '';
let variables: VariableValue[] = [];
runtime.setBackendSrv(backendService() as unknown as import('@grafana/runtime').BackendSrv);
runtime.setTemplateSrv(templateService() as unknown as import('@grafana/runtime').TemplateSrv);
const plugin = loadBuiltPlugin();
const dataSource = new plugin.DataSourceClass(settings);

process.on('message', (command: HostCommand) => {
  run(command).then(
    (result) => process.send!({ id: command.id, result } satisfies HostReply),
    (error: unknown) => process.send!({ id: command.id, error: describe(error) } satisfies HostReply),
  );
});
process.send!({ id: 0, result: 'ready' } satisfies HostReply);

async function run(command: HostCommand): Promise<unknown> {
  cookie = command.cookie;
  variables = command.variables ?? [];
  switch (command.op) {
    case 'query': {
      const answer = dataSource.query(queryRequest(command.request)) as import('rxjs').Observable<
        import('@grafana/data').DataQueryResponse
      >;
      const response = await rxjs.lastValueFrom(answer);
      return {
        state: response.state,
        errors: response.errors ?? (response.error ? [response.error] : []),
        frames: (response.data as import('@grafana/data').DataFrame[]).map(plainFrame),
      };
    }
    case 'metricFindQuery':
      return dataSource.metricFindQuery(command.query, { range: range(command.range) });
    case 'testDatasource':
      return dataSource.testDatasource();
  }
}

function loadBuiltPlugin() {
  const code = readFileSync(path.join(pluginDir, 'module.js'), 'utf8');
  const shared: Record<string, unknown> = {
    '@emotion/css': require('@emotion/css'),
    '@grafana/data': data,
    '@grafana/runtime': runtime,
    '@grafana/ui': require('@grafana/ui'),
    react: require('react'),
    rxjs,
  };
  let exported: { plugin: import('@grafana/data').DataSourcePlugin<any> } | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any -- the built module is untyped
  const define = (deps: string[], factory: (...modules: unknown[]) => typeof exported) => {
    exported = factory(...deps.map((dep) => shared[dep] ?? missing(dep)));
  };
  new Function('define', code)(define);
  return exported!.plugin;
}

function missing(dep: string): never {
  throw new Error(`The built plugin needs ${dep}, which Grafana does not share with plugins`);
}

function queryRequest(request: Extract<HostCommand, { op: 'query' }>['request']) {
  return {
    requestId: 'e2e',
    interval: '1d',
    intervalMs: request.intervalMs ?? 86_400_000,
    maxDataPoints: request.maxDataPoints ?? 500,
    range: range(request.range),
    scopedVars: {},
    targets: request.targets,
    timezone: 'utc',
    app: 'dashboard',
    startTime: Date.now(),
  } as unknown as import('@grafana/data').DataQueryRequest<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the built module is untyped
}

function range(value: { from: string; to: string }) {
  const from = data.dateTime(value.from);
  const to = data.dateTime(value.to);
  return { from, to, raw: { from, to } };
}

function plainFrame(frame: import('@grafana/data').DataFrame): PlainFrame {
  return {
    refId: frame.refId,
    name: frame.name,
    fields: frame.fields.map((field) => ({
      name: field.name,
      type: field.type,
      labels: field.labels,
      values: Array.from(field.values as ArrayLike<unknown>),
    })),
  };
}

/** Grafana's backend service, reduced to fetch(): HTTP to the Grafana stand-in as the logged-in browser. */
function backendService() {
  return {
    fetch: (options: { url: string; method?: string; data?: unknown; headers?: Record<string, string> }) =>
      new rxjs.Observable((subscriber) => {
        const url = new URL(options.url, grafanaUrl);
        const body = options.data === undefined ? undefined : JSON.stringify(options.data);
        const headers = { ...options.headers, cookie, ...(body ? { 'content-type': 'application/json' } : {}) };
        fetch(url, { method: options.method ?? 'GET', headers, body })
          .then(async (response) => {
            const text = await response.text();
            const parsed = parse(text);
            const answer = {
              data: parsed,
              status: response.status,
              statusText: response.statusText,
              ok: response.ok,
              config: options,
              url: url.toString(),
            };
            if (response.ok) {
              subscriber.next(answer);
              subscriber.complete();
            } else {
              subscriber.error(answer);
            }
          })
          .catch((error: unknown) =>
            subscriber.error({ status: 0, data: { message: String(error) }, config: options }),
          );
      }),
  };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Grafana's template service, reduced to replace(): $name, ${name} and [[name]] go through the data
 * source's format function; a variable on "All" with a custom all value gets that value unformatted.
 */
function templateService() {
  return {
    replace(target: string, _scopedVars: unknown, format?: (value: unknown, variable: unknown) => unknown) {
      return (target ?? '').replace(
        /\$(\w+)|\$\{(\w+)\}|\[\[(\w+)\]\]/g,
        (whole, a?: string, b?: string, c?: string) => {
          const variable = variables.find((candidate) => candidate.name === (a ?? b ?? c));
          if (!variable) return whole;
          if (variable.current === '$__all' && variable.allValue !== undefined) return variable.allValue;
          return String(format ? format(variable.current, variable) : variable.current);
        },
      );
    },
  };
}

function installWindow(): void {
  const dom = new JSDOM('<!doctype html><html><body></body></html>', {
    url: 'http://grafana.stand-in/',
    pretendToBeVisual: true,
  });
  const window = dom.window as unknown as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(window)) {
    if (!(key in globalThis))
      Object.defineProperty(globalThis, key, { value: window[key], configurable: true, writable: true });
  }
  // Events dispatched on the window must be the window's own kind.
  for (const key of ['window', 'Event', 'CustomEvent', 'EventTarget', 'navigator']) {
    Object.defineProperty(globalThis, key, { value: window[key], configurable: true, writable: true });
  }
  const matchMedia = () => ({
    matches: false,
    addListener() {},
    removeListener() {},
    addEventListener() {},
    removeEventListener() {},
  });
  Object.assign(window, { matchMedia });
  Object.defineProperty(globalThis, 'matchMedia', { value: matchMedia, configurable: true, writable: true });
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return JSON.stringify(error);
}
