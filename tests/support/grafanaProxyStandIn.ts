import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { GrafanaStandIn, StandInUser } from './grafanaStandIn.js';

/**
 * A stand-in for Grafana's data source proxy (pkg/api/pluginproxy/ds_proxy.go), in front of the real
 * distributor. It does what Grafana documents and its source does for a data source without a back end:
 * - reads the routes from the built plugin.json and takes the first whose method and cleaned path
 *   prefix match (so order matters), refusing a route whose reqRole the user lacks with 403;
 * - sends a matched request to the route's URL template filled from jsonData / secureJsonData, with the
 *   rest of the path joined on, and sets the route headers with Set semantics: a client cannot
 *   override them;
 * - sends a path that matches no route to the data source's own URL, without route headers (and
 *   answers 502 when the data source has no URL);
 * - deletes X-Grafana-User and sets it again from the session (send_user_header), sets X-Grafana-Id
 *   to an ID token signed with the Grafana stand-in's ES256 key (which serves the key set), drops
 *   cookies, Origin and Referer;
 * - turns a 401 from the data source into a 400 "Authentication to data source failed".
 * Browser sessions are a `grafana_session` cookie naming a user that the test logged in.
 */
export interface GrafanaProxyStandIn {
  /** Base URL of this Grafana stand-in, without a trailing slash. */
  url: string;
  /** Path prefix of the data source's proxy, as instanceSettings.url in Grafana's front end. */
  proxyPath: string;
  /** Logs a user in; returns the Cookie header their browser sends. */
  login(user: ProxyUser): string;
  /** Every request the proxy forwarded, newest last: where it went and with which headers. */
  forwarded: ForwardedRequest[];
  stop(): Promise<void>;
}

export type OrgRole = 'Viewer' | 'Editor' | 'Admin';

export interface ProxyUser extends StandInUser {
  orgRole: OrgRole;
}

export interface ProxyDataSource {
  uid: string;
  /** The data source's own URL field; where paths outside the routes go. Empty in Orgscope's provisioning. */
  url?: string;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

export interface ForwardedRequest {
  method: string;
  target: string;
  headers: IncomingHttpHeaders;
  route?: string;
}

interface Route {
  path: string;
  method?: string;
  url: string;
  reqRole?: OrgRole;
  headers?: Array<{ name: string; content: string }>;
}

const PROXY_PREFIX = '/api/datasources/proxy/uid/';
const ROLE_RANK: Record<OrgRole, number> = { Viewer: 1, Editor: 2, Admin: 3 };
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
];

export async function startGrafanaProxyStandIn(options: {
  pluginDir: string;
  grafana: GrafanaStandIn;
  dataSource: ProxyDataSource;
  sendUserHeader?: boolean;
}): Promise<GrafanaProxyStandIn> {
  const routes = readRoutes(options.pluginDir);
  const sessions = new Map<string, ProxyUser>();
  const forwarded: ForwardedRequest[] = [];
  const state = { routes, sessions, forwarded, options };

  const server = createServer((request, response) => {
    handle(request, response, state).catch((error: unknown) => {
      if (!response.headersSent) send(response, 502, { message: `Bad Gateway: ${String(error)}` });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    proxyPath: `${PROXY_PREFIX}${options.dataSource.uid}`,
    forwarded,
    login(user) {
      const session = `session-${sessions.size + 1}-${user.login}`;
      sessions.set(session, user);
      return `grafana_session=${session}`;
    },
    stop: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function readRoutes(pluginDir: string): Route[] {
  const pluginJson = JSON.parse(readFileSync(path.join(pluginDir, 'plugin.json'), 'utf8')) as { routes?: Route[] };
  return pluginJson.routes ?? [];
}

interface State {
  routes: Route[];
  sessions: Map<string, ProxyUser>;
  forwarded: ForwardedRequest[];
  options: { grafana: GrafanaStandIn; dataSource: ProxyDataSource; sendUserHeader?: boolean };
}

async function handle(request: IncomingMessage, response: ServerResponse, state: State): Promise<void> {
  const user = sessionUser(request, state.sessions);
  if (!user) return send(response, 401, { message: 'Unauthorized' });

  const incoming = new URL(request.url ?? '/', 'http://grafana.stand-in');
  const prefix = `${PROXY_PREFIX}${state.options.dataSource.uid}`;
  if (!incoming.pathname.startsWith(`${prefix}/`) && incoming.pathname !== prefix) {
    return send(response, 404, { message: 'Not found' });
  }
  const proxyPath = incoming.pathname.slice(prefix.length).replace(/^\//, '');

  const route = matchRoute(state.routes, proxyPath, request.method ?? 'GET');
  if (route && route.reqRole && ROLE_RANK[user.orgRole] < ROLE_RANK[route.reqRole]) {
    return send(response, 403, { message: 'plugin proxy route access denied' });
  }

  const target = route
    ? routeTarget(route, proxyPath, state.options.dataSource)
    : ownTarget(proxyPath, state.options.dataSource);
  if (!target) return send(response, 502, { message: 'Bad Gateway' });
  target.search = incoming.search;

  const headers = await proxiedHeaders(request.headers, user, route, state);
  state.forwarded.push({ method: request.method ?? 'GET', target: target.toString(), headers, route: route?.path });
  await forward(request, response, target, headers);
}

function sessionUser(request: IncomingMessage, sessions: Map<string, ProxyUser>): ProxyUser | undefined {
  const session = /(?:^|;\s*)grafana_session=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
  return session ? sessions.get(session) : undefined;
}

/** First route whose method matches and whose cleaned path is a prefix of the cleaned proxy path. */
function matchRoute(routes: Route[], proxyPath: string, method: string): Route | undefined {
  const wanted = cleanRelativePath(proxyPath);
  return routes.find((route) => {
    const methodMatches = !route.method || route.method === '*' || route.method === method;
    return methodMatches && wanted.startsWith(cleanRelativePath(route.path));
  });
}

/** As Grafana's CleanRelativePath: resolves `.` and `..` as if under `/`, without the leading slash. */
function cleanRelativePath(value: string): string {
  return path.posix.normalize(`/${value}`).replace(/^\/+/, '').replace(/^\.$/, '');
}

function routeTarget(route: Route, proxyPath: string, dataSource: ProxyDataSource): URL | undefined {
  const base = fillTemplate(route.url, dataSource);
  if (!/^https?:\/\//.test(base)) return undefined;
  const target = new URL(base);
  target.pathname = joinUrlFragments(target.pathname, proxyPath.slice(route.path.length));
  return target;
}

function ownTarget(proxyPath: string, dataSource: ProxyDataSource): URL | undefined {
  if (!dataSource.url) return undefined;
  const target = new URL(dataSource.url);
  target.pathname = joinUrlFragments(target.pathname, proxyPath);
  return target;
}

/** Go template fields as plugin.json routes use them: {{ .JsonData.x }} and {{ .SecureJsonData.x }}. */
function fillTemplate(template: string, dataSource: ProxyDataSource): string {
  return template.replace(/\{\{\s*\.(JsonData|SecureJsonData)\.(\w+)\s*\}\}/g, (_whole, bag: string, key: string) => {
    const values: Record<string, unknown> = bag === 'JsonData' ? dataSource.jsonData : dataSource.secureJsonData;
    return values[key] === undefined ? '' : String(values[key]);
  });
}

/** As Grafana's util.JoinURLFragments. */
function joinUrlFragments(a: string, b: string): string {
  if (b.length === 0) return a;
  const aSlash = a.endsWith('/');
  const bSlash = b.startsWith('/');
  if (aSlash && bSlash) return a + b.slice(1);
  if (!aSlash && !bSlash) return `${a}/${b}`;
  return a + b;
}

async function proxiedHeaders(
  incoming: IncomingHttpHeaders,
  user: ProxyUser,
  route: Route | undefined,
  state: State,
): Promise<IncomingHttpHeaders> {
  const headers: IncomingHttpHeaders = { ...incoming };
  for (const name of [...HOP_BY_HOP, 'cookie', 'origin', 'referer', 'content-length']) delete headers[name];
  headers['user-agent'] = 'Grafana/12.0.2';

  delete headers['x-grafana-user'];
  if (state.options.sendUserHeader ?? true) headers['x-grafana-user'] = user.login;

  for (const header of route?.headers ?? []) {
    headers[header.name.toLowerCase()] = fillTemplate(header.content, state.options.dataSource);
  }
  headers['x-grafana-id'] = await state.options.grafana.signIdToken({ ...user, role: user.orgRole });
  return headers;
}

async function forward(request: IncomingMessage, response: ServerResponse, target: URL, headers: IncomingHttpHeaders) {
  const body = await readBody(request);
  const answer = await fetch(target, {
    method: request.method,
    headers: toFetchHeaders(headers),
    body: body.length > 0 ? new Uint8Array(body) : undefined,
  }).catch(() => undefined);
  if (!answer) return send(response, 502, { message: 'Bad Gateway' });

  if (answer.status === 401) {
    // ds_proxy.go: "The data source rejected the request as unauthorized, convert to 400 (bad request)".
    await answer.arrayBuffer();
    response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    return void response.end('Authentication to data source failed');
  }
  const content = Buffer.from(await answer.arrayBuffer());
  const type = answer.headers.get('content-type');
  response.writeHead(answer.status, type ? { 'content-type': type } : {});
  response.end(content);
}

function toFetchHeaders(headers: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) out.append(name, one);
  }
  return out;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
