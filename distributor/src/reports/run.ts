import type { Logger } from 'pino';
import type pg from 'pg';

import { scopeKey } from '../scope/types.js';
import { expandAudience, fanOut, type Recipient, type ResolveScope } from './audience.js';
import { deliverGroup } from './deliver.js';
import * as ledger from './ledger.js';
import type { Mailer } from './mail/mailer.js';
import { reportMessageId } from './mail/message.js';
import type { ReportMetrics } from './metrics.js';
import { dashboardUrl } from './render/dashboardUrl.js';
import type { RenderRequest, RenderResult } from './render/renderer.js';
import type { Schedule } from './schedule.js';
import { findSchedule } from './scheduleStore.js';
import type { ReportSettings } from './settings.js';
import { issueTicket } from './ticket.js';

/** Everything a run needs, passed in. */
export interface RunDeps {
  admin: pg.Pool;
  log: Logger;
  settings: ReportSettings;
  metrics: ReportMetrics;
  resolveScope: ResolveScope;
  mailer: Mailer;
  render(request: RenderRequest): Promise<RenderResult>;
  ticketSecret: Buffer;
  clock(): Date;
  /** Puts one scope group of an occurrence on the queue (idempotent per occurrence and group). */
  enqueueGroup(occurrenceId: string, key: string): Promise<void>;
  /** Waits between attempts; the engine passes one that ends early when it stops. */
  pause(ms: number): Promise<void>;
}

/**
 * Step one of an occurrence: audience → recipients → ledger rows → one queued job per distinct scope.
 * Safe to run again after a crash: ledger rows and group jobs already there are kept.
 */
export async function fanOutOccurrence(deps: RunDeps, occurrenceId: string): Promise<void> {
  const { occurrence, schedule } = await load(deps, occurrenceId);
  const log = deps.log.child({ occurrenceId, schedule: schedule.name, kind: occurrence.kind });
  const recipients = await recipientsOf(deps, occurrence, schedule);
  const { groups, refused } = await fanOut(recipients, deps.resolveScope);

  const entries: ledger.LedgerEntry[] = groups.flatMap((group) =>
    group.recipients.map((recipient) => ({
      recipient,
      scopeKey: group.key,
      scope: group.scope,
      messageId: id(deps, occurrenceId, recipient),
    })),
  );
  for (const { recipient, scope, reason } of refused) {
    entries.push({
      recipient,
      scopeKey: scopeKey(scope),
      scope,
      messageId: id(deps, occurrenceId, recipient),
      state: 'failed',
      error: reason,
    });
  }
  await ledger.addDeliveries(deps.admin, occurrenceId, entries);
  await ledger.markOccurrence(deps.admin, occurrenceId, {
    state: 'running',
    recipients: recipients.length,
    renders: groups.length,
  });

  for (const key of await ledger.pendingGroups(deps.admin, occurrenceId)) await deps.enqueueGroup(occurrenceId, key);
  log.info(
    { recipients: recipients.length, scopes: groups.length, refused: refused.length },
    'report occurrence fanned out',
  );
  await finishIfDone(deps, occurrenceId, log);
}

/** Step two: render one scope once and mail it to every recipient of the group still pending. */
export async function runGroup(deps: RunDeps, occurrenceId: string, key: string): Promise<void> {
  const { occurrence, schedule } = await load(deps, occurrenceId);
  const log = deps.log.child({ occurrenceId, schedule: schedule.name, scopeKey: key });
  const deliveries = await ledger.claimGroup(deps.admin, occurrenceId, key);
  if (deliveries.length > 0) {
    const rendered = await renderWithRetries(deps, occurrence, schedule, deliveries[0]!, log);
    if ('error' in rendered) {
      const failed = await ledger.failGroup(deps.admin, occurrenceId, key, rendered.error);
      log.error({ failed, reason: rendered.error }, 'report render failed; deliveries of this scope marked failed');
    } else {
      await deliverGroup(deps, { occurrence, schedule, deliveries, rendered, log });
    }
  }
  await finishIfDone(deps, occurrenceId, log);
}

async function renderWithRetries(
  deps: RunDeps,
  occurrence: ledger.Occurrence,
  schedule: Schedule,
  first: ledger.Delivery,
  log: Logger,
): Promise<RenderResult | { error: string }> {
  const url = dashboardUrl(deps.settings.GRAFANA_URL, deps.settings.GRAFANA_ORG_ID, schedule, true);
  let reason = '';
  for (let attempt = 1; attempt <= deps.settings.REPORT_RENDER_ATTEMPTS; attempt += 1) {
    const ticket = issueTicket(
      deps.ticketSecret,
      { runId: occurrence.id, scope: first.scope },
      deps.settings.REPORT_TICKET_TTL_SECONDS * 1000,
      deps.clock(),
    );
    try {
      return await deps.render({ url, ticket, formats: schedule.formats });
    } catch (error) {
      reason = (error as Error).message;
      log.warn({ attempt, reason }, 'report render attempt failed');
      if (attempt < deps.settings.REPORT_RENDER_ATTEMPTS)
        await deps.pause(deps.settings.REPORT_RENDER_BACKOFF_MS * 2 ** (attempt - 1));
    }
  }
  return { error: `render failed after ${deps.settings.REPORT_RENDER_ATTEMPTS} attempts: ${reason}` };
}

async function recipientsOf(deps: RunDeps, occurrence: ledger.Occurrence, schedule: Schedule): Promise<Recipient[]> {
  if (occurrence.kind !== 'preview') return expandAudience(deps.admin, schedule.audience);
  // A preview renders one recipient's scope and sends it to the admin who asked for it.
  const [who] = await expandAudience(deps.admin, { units: [], roles: [], people: [occurrence.previewLogin ?? ''] });
  return who ? [{ ...who, email: occurrence.previewTo ?? who.email }] : [];
}

async function finishIfDone(deps: RunDeps, occurrenceId: string, log: Logger): Promise<void> {
  if ((await ledger.pendingGroups(deps.admin, occurrenceId)).length > 0) return;
  const kind = await ledger.finishOccurrence(deps.admin, occurrenceId);
  if (!kind) return;
  const counts = await ledger.deliveryCounts(deps.admin, occurrenceId);
  deps.metrics.occurrences.inc({ kind, result: counts.failed || counts.unknown ? 'partial' : 'complete' });
  log.info({ deliveries: counts }, 'report occurrence finished');
}

async function load(
  deps: RunDeps,
  occurrenceId: string,
): Promise<{ occurrence: ledger.Occurrence; schedule: Schedule }> {
  const occurrence = await ledger.findOccurrence(deps.admin, occurrenceId);
  if (!occurrence) throw new Error(`occurrence ${occurrenceId} does not exist`);
  const schedule = await findSchedule(deps.admin, occurrence.scheduleId);
  if (!schedule) throw new Error(`schedule ${occurrence.scheduleId} of occurrence ${occurrenceId} was deleted`);
  return { occurrence, schedule };
}

function id(deps: RunDeps, occurrenceId: string, recipient: Recipient): string {
  return reportMessageId(occurrenceId, recipient.personId, deps.settings.REPORT_FROM);
}
