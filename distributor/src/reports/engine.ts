import { createHash } from 'node:crypto';

import cron, { type ScheduledTask } from 'node-cron';
import PgBoss from 'pg-boss';

import { OrgscopeError } from '../errors.js';
import * as ledger from './ledger.js';
import { fireMinute, latestMissedFire } from './missed.js';
import { fanOutOccurrence, runGroup, type RunDeps } from './run.js';
import type { Schedule } from './schedule.js';
import { findSchedule, listSchedules, missedSince } from './scheduleStore.js';

const OCCURRENCE_QUEUE = 'report-occurrence';
const GROUP_QUEUE = 'report-scope-group';

export type EngineDeps = Omit<RunDeps, 'enqueueGroup' | 'pause'> & { databaseUrl: string };

/**
 * Fires schedules from node-cron ticks and runs their work from a pg-boss queue in its own schema.
 * Every instance ticks; the occurrence table's unique (schedule, fire time) lets one of them record
 * the fire and the queue hands its work to whichever instance is free. A worker that dies leaves its
 * job to expire and be retried by another; the delivery ledger keeps that from sending twice.
 */
export class ReportEngine {
  private readonly boss: PgBoss;
  private readonly tasks = new Map<number, { task: ScheduledTask; signature: string }>();
  private readonly stopping = new AbortController();
  private readonly run: RunDeps;

  constructor(private readonly deps: EngineDeps) {
    const s = deps.settings;
    this.boss = new PgBoss({
      connectionString: deps.databaseUrl,
      schema: s.REPORT_QUEUE_SCHEMA,
      application_name: 'orgscope-reports',
      max: 4,
      maintenanceIntervalSeconds: s.REPORT_QUEUE_MAINTENANCE_SECONDS,
    });
    this.boss.on('error', (error) => deps.log.warn({ err: error }, 'report queue error'));
    this.run = {
      ...deps,
      enqueueGroup: (occurrenceId, key) => this.enqueueGroup(occurrenceId, key),
      pause: (ms) => this.pause(ms),
    };
  }

  /** Starts the queue, its workers and the schedule ticks, then catches up on missed fire times. */
  async start(): Promise<void> {
    const s = this.deps.settings;
    await this.boss.start();
    const queueOptions = {
      retryLimit: 5,
      retryDelay: 5,
      retryBackoff: true,
      expireInSeconds: s.REPORT_JOB_EXPIRE_SECONDS,
    };
    await this.ensureQueue(OCCURRENCE_QUEUE, queueOptions);
    await this.ensureQueue(GROUP_QUEUE, queueOptions);

    const poll = { batchSize: 1, pollingIntervalSeconds: s.REPORT_QUEUE_POLL_SECONDS };
    await this.boss.work<{ occurrenceId: string }>(OCCURRENCE_QUEUE, poll, ([job]) =>
      fanOutOccurrence(this.run, job!.data.occurrenceId),
    );
    // A group job renders, then mails its recipients; twice as many workers as browsers keep every
    // browser rendering while other jobs mail.
    for (let n = 0; n < s.REPORT_RENDER_CONCURRENCY * 2 + 1; n += 1) {
      await this.boss.work<{ occurrenceId: string; key: string }>(GROUP_QUEUE, poll, ([job]) =>
        runGroup(this.run, job!.data.occurrenceId, job!.data.key),
      );
    }
    this.deps.metrics.observe({
      deliveryStates: () => ledger.countDeliveries(this.deps.admin),
      queueDepth: async () =>
        (await this.boss.getQueueSize(OCCURRENCE_QUEUE)) + (await this.boss.getQueueSize(GROUP_QUEUE)),
    });
    await this.syncSchedules();
    await this.catchUp();
  }

  /** Stops ticking, lets running jobs finish (or fail over by expiry), and closes the queue. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const { task } of this.tasks.values()) await task.destroy();
    this.tasks.clear();
    await this.boss.stop({ graceful: true, wait: true, timeout: 30_000 });
  }

  /** Makes the ticking tasks match the saved schedules: call after any schedule change. */
  async syncSchedules(): Promise<void> {
    const schedules = (await listSchedules(this.deps.admin)).filter((schedule) => !schedule.paused);
    const wanted = new Map(schedules.map((schedule) => [schedule.id, schedule]));
    for (const [id, { task, signature }] of this.tasks) {
      const schedule = wanted.get(id);
      if (schedule && signatureOf(schedule) === signature) continue;
      await task.destroy();
      this.tasks.delete(id);
    }
    for (const schedule of schedules) if (!this.tasks.has(schedule.id)) this.tick(schedule);
  }

  /** Records one fire of a schedule and queues it. Undefined when that fire time was already recorded. */
  async fire(scheduleId: number, fireTime: Date, kind: 'scheduled' | 'missed' | 'manual'): Promise<string | undefined> {
    const occurrence = await ledger.createOccurrence(this.deps.admin, { scheduleId, fireTime, kind });
    if (!occurrence) return undefined;
    await this.boss.send(OCCURRENCE_QUEUE, { occurrenceId: occurrence.id }, { id: occurrence.id });
    this.deps.log.info({ occurrenceId: occurrence.id, scheduleId, fireTime, kind }, 'report occurrence queued');
    return occurrence.id;
  }

  /** Runs a schedule now, paused or not. */
  async runNow(scheduleId: number): Promise<string> {
    await this.requireSchedule(scheduleId);
    const id = await this.fire(scheduleId, this.deps.clock(), 'manual');
    if (!id)
      throw new OrgscopeError('too_many_requests', 'This schedule was just started; wait a moment and try again.');
    return id;
  }

  /** Renders `login`'s report of a schedule and sends it to `to` (the admin asking), not to `login`. */
  async preview(scheduleId: number, login: string, to: string): Promise<string> {
    await this.requireSchedule(scheduleId);
    const occurrence = await ledger.createOccurrence(this.deps.admin, {
      scheduleId,
      fireTime: this.deps.clock(),
      kind: 'preview',
      previewLogin: login,
      previewTo: to,
    });
    await this.boss.send(OCCURRENCE_QUEUE, { occurrenceId: occurrence!.id }, { id: occurrence!.id });
    return occurrence!.id;
  }

  private tick(schedule: Schedule): void {
    const task = cron.schedule(
      schedule.cron,
      async (context) => {
        // A tick never throws: a failed fire is logged and the next tick comes as usual.
        try {
          await this.fire(schedule.id, fireMinute(context.date), 'scheduled');
        } catch (error) {
          this.deps.log.error({ err: error, scheduleId: schedule.id }, 'report schedule could not fire');
        }
      },
      { timezone: schedule.timeZone, name: `report-${schedule.id}`, noOverlap: true },
    );
    this.tasks.set(schedule.id, { task, signature: signatureOf(schedule) });
  }

  /** Fire times missed while no instance ran: skipped, or the latest run once (REPORT_MISSED). */
  private async catchUp(): Promise<void> {
    const s = this.deps.settings;
    const now = this.deps.clock();
    for (const schedule of await listSchedules(this.deps.admin)) {
      if (schedule.paused) continue;
      const since = await missedSince(this.deps.admin, schedule.id);
      const missed =
        since &&
        latestMissedFire(schedule.cron, schedule.timeZone, since, now, s.REPORT_MISSED_LOOKBACK_HOURS * 3600_000);
      if (!missed) continue;
      if (s.REPORT_MISSED === 'skip') {
        this.deps.log.warn(
          { scheduleId: schedule.id, missed },
          'report fire time missed while stopped; skipped (REPORT_MISSED=skip)',
        );
      } else {
        await this.fire(schedule.id, missed, 'missed');
      }
    }
  }

  /**
   * Two instances starting at once on a fresh database can deadlock inside pg-boss's create_queue
   * (each creates the queue's table); the one PostgreSQL picks as the victim tries again and then
   * finds the queue made.
   */
  private async ensureQueue(name: string, options: Omit<PgBoss.Queue, 'name'>): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (!(await this.boss.getQueue(name))) await this.boss.createQueue(name, { name, ...options });
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '40P01' || attempt >= 5) throw error;
        await this.pause(50 * attempt);
      }
    }
  }

  private async enqueueGroup(occurrenceId: string, key: string): Promise<void> {
    // The same id for the same group: a fan-out run twice queues each group once.
    await this.boss.send(GROUP_QUEUE, { occurrenceId, key }, { id: uuidOf(`${occurrenceId}|${key}`) });
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.stopping.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }

  private async requireSchedule(id: number): Promise<Schedule> {
    const schedule = await findSchedule(this.deps.admin, id);
    if (!schedule) throw new OrgscopeError('not_found', `No report schedule with id ${id}`);
    return schedule;
  }
}

function signatureOf(schedule: Schedule): string {
  return `${schedule.cron}|${schedule.timeZone}`;
}

function uuidOf(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
