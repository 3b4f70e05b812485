import { createHash, randomUUID } from 'node:crypto';

import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

import type { Config } from '../config.js';
import type { Databases } from '../db/pools.js';
import { OrgscopeError } from '../errors.js';
import type { PanelQueries } from '../query/panelQueries.js';
import type { Scope } from '../scope/types.js';
import { TICKET_HEADER } from '../scope/viewerScope.js';
import { replyWithError } from './errorReply.js';
import { parseQueryRequest } from './request.js';

/** Who sent a request, as the identity checks established it. */
export interface AuthenticatedViewer {
  login: string;
  email?: string;
  name?: string;
  kind: 'user' | 'service-account';
  teams: string[];
}

export type Headers = Record<string, string | string[] | undefined>;

export interface ServerDeps {
  config: Config;
  log: Logger;
  databases: Databases;
  identity: { authenticate(headers: Headers, log?: Logger): Promise<AuthenticatedViewer> };
  /** The scope a request runs under: the viewer's own, or the one a report ticket carries. */
  scopeOf(viewer: AuthenticatedViewer, headers: Headers): Promise<Scope>;
  panelQueries: PanelQueries;
  /** What an unmapped viewer reads: that they see nothing, and whom to ask. */
  unmappedMessage(login: string): Promise<string>;
  metrics: Registry;
  /** Extra routes (admin API, reports) registered under the same checks. */
  plugins?: ((app: FastifyInstance) => Promise<void>)[];
}

declare module 'fastify' {
  interface FastifyRequest {
    viewer?: AuthenticatedViewer;
  }
}

const OPEN_PATHS = new Set(['/api/health', '/api/ready', '/metrics']);

export async function createServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: deps.config.BODY_LIMIT_BYTES,
    genReqId: () => randomUUID(),
    // One line per request, written in onResponse below, instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Headers must not be able to make the server cheap to stall.
    connectionTimeout: 0,
    requestTimeout: deps.config.QUERY_TIMEOUT_MS * 2 + 5000,
  });
  app.setErrorHandler((error, request, reply) => replyWithError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    replyWithError(
      new OrgscopeError('not_found', `There is nothing at ${request.method} ${request.url.split('?')[0]}.`),
      request,
      reply,
    ),
  );
  app.addHook('onRequest', async (request) => authenticate(deps, request));
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        viewer: request.viewer?.login,
      },
      'request',
    );
  });

  registerOpenRoutes(app, deps);
  registerViewerRoutes(app, deps);
  for (const plugin of deps.plugins ?? []) await app.register(plugin);
  return app;
}

/**
 * Whose share of concurrent queries a request uses: the viewer's, or for the report service account,
 * the render's (each ticket), so that parallel renders of different recipients do not queue on one cap.
 */
function limiterKey(viewer: AuthenticatedViewer, headers: Headers): string {
  const ticket = headers[TICKET_HEADER];
  if (typeof ticket !== 'string') return viewer.login;
  return `${viewer.login}#${createHash('sha256').update(ticket).digest('base64url')}`;
}

async function authenticate(deps: ServerDeps, request: FastifyRequest): Promise<void> {
  const path = request.url.split('?')[0]!;
  if (OPEN_PATHS.has(path)) return;
  request.viewer = await deps.identity.authenticate(request.headers, request.log as Logger);
}

function registerOpenRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.get('/api/health', async () => ({ status: 'ok' }));
  app.get('/api/ready', async (_request, reply) => {
    try {
      await deps.databases.admin.query('SELECT 1');
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ status: 'not ready', message: 'PostgreSQL cannot be reached.' });
    }
  });
  app.get('/metrics', async (_request, reply) => {
    return reply.type(deps.metrics.contentType).send(await deps.metrics.metrics());
  });
}

function registerViewerRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.post('/api/query', async (request, reply) => {
    const body = parseQueryRequest(request.body);
    const viewer = request.viewer!;
    const scope = await deps.scopeOf(viewer, request.headers);
    const notice = scope.mapped ? undefined : await deps.unmappedMessage(viewer.login);
    // The response closes before it is written only when the client has gone away.
    const gone = new AbortController();
    reply.raw.once('close', () => gone.abort());
    const answer = await deps.panelQueries.answer(body, limiterKey(viewer, request.headers), scope, {
      notice,
      signal: gone.signal,
    });
    return reply.status(answer.status).send({ results: answer.results });
  });

  app.get('/api/whoami', async (request) => {
    const viewer = request.viewer!;
    const scope = await deps.scopeOf(viewer, request.headers);
    return {
      viewer: { login: viewer.login, email: viewer.email, name: viewer.name, kind: viewer.kind, teams: viewer.teams },
      mapped: scope.mapped,
      scope: {
        coversAll: scope.coversAll,
        storeCount: scope.storeCount,
        unitCount: scope.coversAll ? undefined : scope.unitIds.length,
        roots: scope.roots,
        summary: scope.summary,
        roles: scope.roles,
        permissions: scope.permissions,
      },
      ...(scope.mapped ? {} : { message: await deps.unmappedMessage(viewer.login) }),
    };
  });
}
