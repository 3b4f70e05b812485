import cron from 'node-cron';

const MINUTE = 60_000;

/**
 * The latest fire time of `expression` in `timeZone` after `since` and at or before `now`, or
 * undefined. Walks back minute by minute (schedules fire on whole minutes), at most `lookbackMs`.
 */
export function latestMissedFire(
  expression: string,
  timeZone: string,
  since: Date,
  now: Date,
  lookbackMs: number,
): Date | undefined {
  const task = cron.createTask(expression, () => undefined, { timezone: timeZone });
  try {
    const floor = Math.max(since.getTime(), now.getTime() - lookbackMs);
    for (let t = Math.floor(now.getTime() / MINUTE) * MINUTE; t > floor; t -= MINUTE) {
      if (task.match(new Date(t))) return new Date(t);
    }
    return undefined;
  } finally {
    void task.destroy();
  }
}

/** A tick's fire time: the minute it belongs to, so every instance names the same occurrence. */
export function fireMinute(date: Date): Date {
  return new Date(Math.floor(date.getTime() / MINUTE) * MINUTE);
}
