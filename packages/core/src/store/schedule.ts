import type { Schedule } from '../study/study-config';

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
  const wall = Date.UTC(y, m - 1, d + days + 1);
  // The offset at the wall-clock guess, then again at the corrected instant (they differ only across a DST change).
  let instant = wall - offsetMs(wall, timeZone);
  instant = wall - offsetMs(instant, timeZone);
  return new Date(instant);
}

// Building a DateTimeFormat costs about a millisecond; a grid asks for thousands of dates in one zone.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function offsetMs(instant: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
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
