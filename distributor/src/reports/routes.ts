import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';

import { OrgscopeError } from '../errors.js';
import type { ReportEngine } from './engine.js';
import * as ledger from './ledger.js';
import { validateSchedule, type ScheduleLookups } from './schedule.js';
import * as store from './scheduleStore.js';

export interface ReportRouteDeps {
  admin: pg.Pool;
  engine: Pick<ReportEngine, 'runNow' | 'preview' | 'syncSchedules'>;
  lookups: ScheduleLookups;
  /** The admin behind a request (request.viewer, set by the server's identity check), or a 403. */
  requireAdmin(request: FastifyRequest): Promise<{ login: string; email?: string }>;
}

const idParam = z.object({ id: z.coerce.number().int().positive() });
const previewBody = z.strictObject({ login: z.string().min(1), to: z.email().optional() });
const deliveryQuery = z.object({
  occurrence: z.uuid().optional(),
  state: z.enum(['pending', 'sending', 'sent', 'failed', 'unknown']).optional(),
});

/** The admin API of report schedules and deliveries, as a fastify plugin: `app.register(reportRoutes(deps))`. */
export function reportRoutes(deps: ReportRouteDeps): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    app.addHook('preHandler', async (request) => void (await deps.requireAdmin(request)));

    app.get('/api/admin/reports/schedules', async () => ({ schedules: await store.listSchedules(deps.admin) }));
    app.post('/api/admin/reports/schedules', async (request, reply) => {
      const schedule = await saveFromApi(deps, request.body, undefined);
      return reply.status(201).send({ schedule });
    });
    app.put('/api/admin/reports/schedules/:id', async (request) => ({
      schedule: await saveFromApi(deps, request.body, parse(idParam, request.params).id),
    }));
    app.delete('/api/admin/reports/schedules/:id', async (request, reply) => {
      if (!(await store.deleteSchedule(deps.admin, parse(idParam, request.params).id))) throw noSchedule(request);
      await deps.engine.syncSchedules();
      return reply.status(204).send();
    });

    for (const [action, paused] of [
      ['pause', true],
      ['resume', false],
    ] as const) {
      app.post(`/api/admin/reports/schedules/:id/${action}`, async (request) => {
        const schedule = await store.setPaused(deps.admin, parse(idParam, request.params).id, paused);
        if (!schedule) throw noSchedule(request);
        await deps.engine.syncSchedules();
        return { schedule };
      });
    }
    app.post('/api/admin/reports/schedules/:id/run', async (request, reply) => {
      const occurrenceId = await deps.engine.runNow(parse(idParam, request.params).id);
      return reply.status(202).send({ occurrenceId });
    });
    app.post('/api/admin/reports/schedules/:id/preview', async (request, reply) => {
      const { id } = parse(idParam, request.params);
      const body = parse(previewBody, request.body ?? {});
      const admin = await deps.requireAdmin(request);
      const to = body.to ?? admin.email;
      if (!to)
        throw new OrgscopeError(
          'bad_request',
          'Your Grafana account has no email; give "to", the address the preview goes to.',
        );
      if ((await deps.lookups.unreachablePeople([body.login])).length > 0) {
        throw new OrgscopeError(
          'bad_request',
          `"${body.login}" is not a mapped person who can receive reports; preview someone who can.`,
        );
      }
      return reply.status(202).send({ occurrenceId: await deps.engine.preview(id, body.login, to) });
    });

    app.get('/api/admin/reports/schedules/:id/occurrences', async (request) => ({
      occurrences: await ledger.listOccurrences(deps.admin, parse(idParam, request.params).id),
    }));
    app.get('/api/admin/reports/deliveries', async (request) => {
      const query = parse(deliveryQuery, request.query);
      return {
        deliveries: await ledger.listDeliveries(deps.admin, { occurrenceId: query.occurrence, state: query.state }),
      };
    });
  };
}

async function saveFromApi(deps: ReportRouteDeps, body: unknown, id: number | undefined) {
  const result = await validateSchedule(body, deps.lookups);
  if (!result.ok)
    throw new OrgscopeError('bad_request', `The schedule is invalid: ${result.problems.join('; ')}`, {
      details: result.problems,
    });

  const existing = (await store.listSchedules(deps.admin)).find((s) => s.name === result.schedule.name);
  if (id === undefined && existing)
    throw new OrgscopeError(
      'bad_request',
      `A schedule named "${existing.name}" exists; PUT /api/admin/reports/schedules/${existing.id} to change it.`,
    );
  if (id !== undefined && !(await store.findSchedule(deps.admin, id)))
    throw new OrgscopeError('not_found', `No report schedule with id ${id}`);
  if (id !== undefined && existing && existing.id !== id)
    throw new OrgscopeError('bad_request', `The name "${existing.name}" belongs to schedule ${existing.id}.`);
  if (existing?.source === 'file') {
    throw new OrgscopeError(
      'bad_request',
      `Schedule "${existing.name}" comes from a provisioning file; change the file instead.`,
    );
  }
  const saved =
    id === undefined
      ? await store.saveSchedule(deps.admin, result.schedule, 'api')
      : await store.updateSchedule(deps.admin, id, result.schedule);
  await deps.engine.syncSchedules();
  return saved;
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  throw new OrgscopeError('bad_request', `The request is invalid: ${problems.join('; ')}`, { details: problems });
}

function noSchedule(request: FastifyRequest): OrgscopeError {
  return new OrgscopeError('not_found', `No report schedule at ${request.url.split('?')[0]}`);
}
