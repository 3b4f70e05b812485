import { z } from 'zod';

import { OrgscopeError } from '../errors.js';

const MAX_QUERIES = 50;
const MAX_SQL_CHARS = 100_000;

/** A time as Grafana sends it: epoch milliseconds (number or digits) or an ISO 8601 string. */
const instant = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const date = typeof value === 'number' || /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({
      code: 'custom',
      message: `"${String(value).slice(0, 40)}" is not epoch milliseconds or an ISO time`,
    });
    return z.NEVER;
  }
  return date;
});

const panelQuery = z.object({
  refId: z.string().min(1).max(64),
  rawSql: z.string().max(MAX_SQL_CHARS, `must be at most ${MAX_SQL_CHARS} characters`),
  format: z.enum(['table', 'time_series']).default('table'),
  intervalMs: z
    .number()
    .positive()
    .max(365 * 24 * 3600 * 1000)
    .default(60_000),
  maxDataPoints: z.number().int().positive().max(1_000_000).optional(),
});

const queryBody = z.object({
  queries: z.array(panelQuery.passthrough()).min(1, 'send at least one query').max(MAX_QUERIES),
  range: z
    .object({ from: instant, to: instant })
    .refine((r) => r.from.getTime() <= r.to.getTime(), 'range.from must not be after range.to'),
});

export type PanelQuery = z.infer<typeof panelQuery>;
export type QueryRequest = z.infer<typeof queryBody>;

/** Parses a /api/query body; every problem is named with its path. */
export function parseQueryRequest(body: unknown): QueryRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new OrgscopeError('bad_request', 'Send the body as a JSON object with Content-Type: application/json.');
  }
  const result = queryBody.safeParse(body);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    throw new OrgscopeError('bad_request', `The query request is not valid: ${problems.join('; ')}`, {
      details: problems,
    });
  }
  const refIds = result.data.queries.map((q) => q.refId);
  if (new Set(refIds).size !== refIds.length) {
    throw new OrgscopeError('bad_request', 'The query request is not valid: each query needs its own refId');
  }
  return result.data;
}
