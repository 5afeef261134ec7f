import type { Schedule } from '../study/study-config';
import { wallClockToInstant } from '../util/time-zone';

/**
 * What is due when: pure functions of the study's schedule, the session dates and the clock. The store reads the
 * rows; these decide the state of each client × session × form cell, so the grid, `alliance status` and
 * `alliance links --due` can never disagree.
 */

export type CellState = 'done' | 'due' | 'overdue' | 'expired' | 'not scheduled';

export function isScheduled(schedule: Schedule, sessionIndex: number): boolean {
  if ('sessions' in schedule) return schedule.sessions.includes(sessionIndex);
  return sessionIndex >= schedule.from && (sessionIndex - schedule.from) % schedule.every === 0;
}

/**
 * The instant a local day ends: the start of the day `days + 1` after `date` ("YYYY-MM-DD") in the time zone.
 * So days = 3 is "the end of the third day after the session", whatever the zone's offset or daylight saving.
 */
export function endOfLocalDay(date: string, days: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(wallClockToInstant(Date.UTC(y, m - 1, d + days + 1), timeZone));
}

export interface CellTimes {
  /** When the form stops being merely due and becomes overdue. */
  overdueAt: string;
  expiresAt: string;
}

export function cellTimes(
  sessionDate: string,
  c: { timeZone: string; expiresAfterDays: number; overdueAfterDays: number },
): CellTimes {
  return {
    overdueAt: endOfLocalDay(sessionDate, c.overdueAfterDays, c.timeZone).toISOString(),
    expiresAt: endOfLocalDay(sessionDate, c.expiresAfterDays, c.timeZone).toISOString(),
  };
}

export function cellState(opts: {
  scheduled: boolean;
  done: boolean;
  times: CellTimes;
  /** An invitation's own expiry wins over the computed one (the study's settings may have changed since). */
  expiresAt?: string;
  now: string;
}): CellState {
  if (opts.done) return 'done';
  if (!opts.scheduled) return 'not scheduled';
  if (opts.now >= (opts.expiresAt ?? opts.times.expiresAt)) return 'expired';
  if (opts.now >= opts.times.overdueAt) return 'overdue';
  return 'due';
}
