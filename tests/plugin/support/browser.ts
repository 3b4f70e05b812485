import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { HostCommand, HostReply, QueryResult, VariableValue, WireTarget } from './protocol.js';

const HOST = fileURLToPath(new URL('./pluginHost.ts', import.meta.url));

type Range = { from: string; to: string };
type WithoutId<T> = T extends unknown ? Omit<T, 'id' | 'cookie' | 'variables'> : never;

/** The built plugin in a browser-like process of its own, driven one command at a time. */
export interface PluginBrowser {
  query(cookie: string, targets: WireTarget[], range: Range, variables?: VariableValue[]): Promise<QueryResult>;
  metricFindQuery(
    cookie: string,
    rawSql: string,
    range: Range,
    variables?: VariableValue[],
  ): Promise<Array<{ text: string; value?: string }>>;
  testDatasource(cookie: string): Promise<{ status: string; message: string }>;
  stop(): Promise<void>;
}

export async function startPluginBrowser(options: {
  pluginDir: string;
  grafanaUrl: string;
  dataSourceSettings: Record<string, unknown>;
}): Promise<PluginBrowser> {
  const child = fork(HOST, [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      ORGSCOPE_PLUGIN_DIR: options.pluginDir,
      ORGSCOPE_GRAFANA_URL: options.grafanaUrl,
      ORGSCOPE_DATASOURCE_SETTINGS: JSON.stringify(options.dataSourceSettings),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the plugin host exited with code ${code} before it was ready`)));
    child.on('message', (reply: HostReply) => {
      if (reply.id === 0) return resolve();
      const waiting = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.error !== undefined) waiting?.reject(new Error(reply.error));
      else waiting?.resolve(reply.result);
    });
  });
  await ready;

  const send = <T>(
    cookie: string,
    variables: VariableValue[] | undefined,
    command: WithoutId<HostCommand>,
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...command, id, cookie, variables } as HostCommand);
    });

  return {
    query: (cookie, targets, range, variables) => send(cookie, variables, { op: 'query', request: { targets, range } }),
    metricFindQuery: (cookie, rawSql, range, variables) =>
      send(cookie, variables, { op: 'metricFindQuery', query: { rawSql }, range }),
    testDatasource: (cookie) => send(cookie, undefined, { op: 'testDatasource' }),
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}
