import { describe, expect, it } from '@jest/globals';

import { fireMinute, latestMissedFire } from './missed.js';

const DAY = 24 * 3600_000;

describe('missed fire times', () => {
  it('finds the last Monday 08:00 in Shanghai (00:00 UTC) missed during downtime', () => {
    const since = new Date('2026-12-06T12:00:00Z'); // Sunday
    const now = new Date('2026-12-07T03:10:00Z'); // Monday 11:10 in Shanghai
    expect(latestMissedFire('0 8 * * 1', 'Asia/Shanghai', since, now, 2 * DAY)).toEqual(
      new Date('2026-12-07T00:00:00Z'),
    );
  });

  it('finds nothing when the fire time came before the last recorded one', () => {
    const since = new Date('2026-12-07T00:00:00Z');
    const now = new Date('2026-12-07T03:10:00Z');
    expect(latestMissedFire('0 8 * * 1', 'Asia/Shanghai', since, now, 2 * DAY)).toBeUndefined();
  });

  it('looks back no further than the lookback', () => {
    const since = new Date('2026-11-01T00:00:00Z');
    const now = new Date('2026-12-09T00:00:00Z'); // Wednesday
    expect(latestMissedFire('0 8 * * 1', 'Asia/Shanghai', since, now, DAY)).toBeUndefined();
  });

  it('names a tick by its minute', () => {
    expect(fireMinute(new Date('2026-12-07T00:00:00.731Z'))).toEqual(new Date('2026-12-07T00:00:00Z'));
  });
});
