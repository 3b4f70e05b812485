import type { Logger } from 'pino';

import * as ledger from './ledger.js';
import { composeReportEmail, type ReportEmail } from './mail/message.js';
import { dashboardUrl } from './render/dashboardUrl.js';
import type { RenderResult } from './render/renderer.js';
import type { RunDeps } from './run.js';
import type { Schedule } from './schedule.js';

interface GroupWork {
  occurrence: ledger.Occurrence;
  schedule: Schedule;
  deliveries: ledger.Delivery[];
  rendered: RenderResult;
  log: Logger;
}

/** Sends one render to every delivery of its group, a few at a time (one per SMTP connection). */
export async function deliverGroup(deps: RunDeps, work: GroupWork): Promise<void> {
  const queue = [...work.deliveries];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await deliverOne(deps, work, next);
  };
  await Promise.all(Array.from({ length: Math.min(deps.settings.REPORT_SMTP_CONNECTIONS, queue.length) }, worker));
}

/**
 * pending → sending is written before every attempt and the outcome after it. A transient failure
 * goes back to pending and is tried again with backoff; 5xx is final; an "unknown" is never resent.
 */
async function deliverOne(deps: RunDeps, work: GroupWork, delivery: ledger.Delivery): Promise<void> {
  const email = composeReportEmail({
    from: deps.settings.REPORT_FROM,
    recipient: { name: delivery.login, email: delivery.email },
    title: work.schedule.title || work.schedule.name,
    scope: delivery.scope,
    fireTime: work.occurrence.fireTime,
    timeZone: work.schedule.timeZone,
    dashboardLink: dashboardUrl(
      deps.settings.REPORT_PUBLIC_GRAFANA_URL ?? deps.settings.GRAFANA_URL,
      deps.settings.GRAFANA_ORG_ID,
      work.schedule,
      false,
    ),
    messageId: delivery.messageId,
    png: work.rendered.png,
    pdf: work.rendered.pdf,
  });
  const log = work.log.child({ login: delivery.login, messageId: delivery.messageId });

  for (let attempt = 1; ; attempt += 1) {
    const release = await deps.mailer.acquire();
    let retry: string | undefined;
    try {
      retry = await attemptOnce(deps, delivery, email, attempt, log);
    } finally {
      release();
    }
    if (retry === undefined) return;
    log.debug({ attempt, reason: retry }, 'report delivery deferred; retrying');
    await deps.pause(deps.settings.REPORT_MAIL_BACKOFF_MS * 2 ** (attempt - 1));
  }
}

/**
 * One attempt, ledger before and after, holding an SMTP connection. Returns the reason to retry, if
 * any. The attempt number fences every write: a worker that lost its job to another cannot finish.
 */
async function attemptOnce(
  deps: RunDeps,
  delivery: ledger.Delivery,
  email: ReportEmail,
  attempt: number,
  log: Logger,
): Promise<string | undefined> {
  const fence = await ledger.markSending(deps.admin, delivery);
  if (fence === undefined) return undefined;
  const outcome = await deps.mailer.send(email, async () => {
    if (!(await ledger.markHandedOver(deps.admin, delivery, fence)))
      throw new Error('the delivery was taken over by another worker');
  });
  deps.metrics.deliveries.inc({ state: outcome.state });

  if (outcome.state === 'sent') {
    await ledger.markOutcome(deps.admin, delivery, fence, 'sent', { response: outcome.response });
    log.info({ state: 'sent', attempt }, 'report delivered');
    return undefined;
  }
  if (outcome.state === 'retry' && attempt < deps.settings.REPORT_MAIL_ATTEMPTS) {
    await ledger.markOutcome(deps.admin, delivery, fence, 'pending', { error: outcome.reason });
    return outcome.reason;
  }
  const state = outcome.state === 'retry' ? 'failed' : outcome.state;
  const error = outcome.state === 'retry' ? `gave up after ${attempt} attempts: ${outcome.reason}` : outcome.reason;
  await ledger.markOutcome(deps.admin, delivery, fence, state, { error });
  log.warn({ state, attempt, reason: error }, 'report not delivered');
  return undefined;
}
