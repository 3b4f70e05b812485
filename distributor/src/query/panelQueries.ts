import type { Logger } from 'pino';

import { OrgscopeError } from '../errors.js';
import type { QueryRequest, PanelQuery } from '../http/request.js';
import type { ViewerLimiter } from '../http/viewerLimiter.js';
import type { Scope } from '../scope/types.js';
import type { ScopedExecutor } from './executor.js';
import { toDataFrames, type DataFrameJson } from './frames.js';
import { expandMacros } from './macros.js';

export type QueryOutcome = { status: number; frames: DataFrameJson[] } | { status: number; error: string; frames: [] };

export interface QueryAnswer {
  /** 200 when every query succeeded, 207 when some failed, the failures' status when all failed. */
  status: number;
  results: Record<string, QueryOutcome>;
}

/**
 * Answers a /api/query request as Grafana's /api/ds/query does: each panel query runs on its own,
 * under the viewer's scope, and a failing query reports its error on its own refId only.
 */
export class PanelQueries {
  constructor(
    private readonly deps: { executor: ScopedExecutor; limiter: ViewerLimiter; requestBudgetMs: number; log: Logger },
  ) {}

  /**
   * `notice` is shown on every frame, e.g. to tell an unmapped viewer whom to ask. Queries left when
   * the client has gone (`signal`) or the request has used its time budget are not run, so that one
   * request of fifty slow queries cannot hold a connection for fifty timeouts.
   */
  async answer(
    request: QueryRequest,
    viewer: string,
    scope: Scope,
    options: { notice?: string; signal?: AbortSignal } = {},
  ): Promise<QueryAnswer> {
    const results: Record<string, QueryOutcome> = {};
    const deadline = performance.now() + this.deps.requestBudgetMs;
    for (const query of request.queries) {
      if (options.signal?.aborted || performance.now() > deadline) {
        results[query.refId] = { status: 503, error: NOT_RUN, frames: [] };
        continue;
      }
      results[query.refId] = await this.answerOne(query, request.range, viewer, scope, options.notice);
    }
    return { status: overallStatus(Object.values(results)), results };
  }

  private async answerOne(
    query: PanelQuery,
    range: QueryRequest['range'],
    viewer: string,
    scope: Scope,
    notice: string | undefined,
  ): Promise<QueryOutcome> {
    const started = performance.now();
    try {
      const expanded = expandMacros(query.rawSql, { range, intervalMs: query.intervalMs });
      const result = await this.deps.limiter.run(viewer, () => this.deps.executor.run(scope, expanded.sql));
      const frames = toDataFrames({
        ...result,
        refId: query.refId,
        format: query.format,
        executedSql: expanded.sql,
        fill: expanded.fill,
        range,
      });
      if (notice) addNotice(frames, notice);
      this.deps.log.debug({ refId: query.refId, rows: result.rows.length, ms: elapsed(started) }, 'query answered');
      return { status: 200, frames };
    } catch (error) {
      if (!(error instanceof OrgscopeError) || error.status >= 500) throw error;
      this.deps.log.info({ refId: query.refId, code: error.code, ms: elapsed(started) }, 'query failed');
      return { status: error.status, error: error.message, frames: [] };
    }
  }
}

const NOT_RUN =
  'Not run: the earlier queries of this request used its time budget (twice the query timeout). Split them over panels.';

function overallStatus(outcomes: QueryOutcome[]): number {
  const failed = outcomes.filter((o) => 'error' in o);
  if (failed.length === 0) return 200;
  if (failed.length < outcomes.length) return 207;
  return failed[0]!.status;
}

function addNotice(frames: DataFrameJson[], text: string): void {
  for (const frame of frames) {
    const meta = frame.schema.meta;
    meta.notices = [...(meta.notices ?? []), { severity: 'warning', text }];
  }
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10;
