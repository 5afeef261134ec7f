import { describe, expect, it } from 'vitest';
import { cellState, cellTimes, endOfLocalDay, isScheduled } from './schedule';

describe('schedule', () => {
  it('is due every nth session from a start, or at listed sessions', () => {
    const every3 = [1, 2, 3, 4, 5, 6, 7].filter((i) => isScheduled({ every: 3, from: 3 }, i));
    expect(every3).toEqual([3, 6]);
    expect([1, 2, 3].filter((i) => isScheduled({ every: 1, from: 1 }, i))).toEqual([1, 2, 3]);
    expect([1, 3, 8, 9].filter((i) => isScheduled({ sessions: [3, 8] }, i))).toEqual([3, 8]);
  });

  it('ends the third day after the session at local midnight, across zones and daylight saving', () => {
    expect(endOfLocalDay('2026-03-02', 3, 'UTC').toISOString()).toBe('2026-03-06T00:00:00.000Z');
    // Berlin is UTC+1 in winter, UTC+2 from 29 March 2026.
    expect(endOfLocalDay('2026-01-10', 3, 'Europe/Berlin').toISOString()).toBe('2026-01-13T23:00:00.000Z');
    expect(endOfLocalDay('2026-03-27', 3, 'Europe/Berlin').toISOString()).toBe('2026-03-30T22:00:00.000Z');
    expect(endOfLocalDay('2026-01-10', 0, 'America/New_York').toISOString()).toBe('2026-01-11T05:00:00.000Z');
  });

  it('says done, due, overdue, expired or not scheduled', () => {
    const times = cellTimes('2026-01-10', { timeZone: 'UTC', expiresAfterDays: 3, overdueAfterDays: 1 });
    const at = (now: string, more: Partial<Parameters<typeof cellState>[0]> = {}) =>
      cellState({ scheduled: true, done: false, times, now, ...more });
    expect(at('2026-01-10T12:00:00.000Z')).toBe('due');
    expect(at('2026-01-12T00:00:00.000Z')).toBe('overdue');
    expect(at('2026-01-14T00:00:00.000Z')).toBe('expired');
    expect(at('2026-01-14T00:00:00.000Z', { done: true })).toBe('done');
    expect(at('2026-01-10T12:00:00.000Z', { scheduled: false })).toBe('not scheduled');
    expect(at('2026-01-11T00:00:00.000Z', { expiresAt: '2026-01-11T00:00:00.000Z' })).toBe('expired');
  });
});
