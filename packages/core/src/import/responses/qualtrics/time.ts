import { isCalendarDate } from '../../../util/time';

/**
 * Qualtrics writes StartDate/EndDate/RecordedDate as wall-clock time in the account's time zone and names the
 * zone in the ImportId header row. The store keeps instants, so the wall-clock time is converted to UTC here.
 * Returns undefined for text that is not a date-time.
 */
export function qualtricsTime(raw: string, timeZone: string | undefined): string | undefined {
  // Date rolls 2025-02-30 over to 2 March; a day not on the calendar is not a date-time.
  if (!isCalendarDate(raw.slice(0, 10))) return undefined;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw))
    return new Date(raw).toISOString();
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(raw);
  if (!m || !timeZone) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  // The zone's offset at the wall-clock time, then again at the corrected instant, which settles DST edges.
  let utc = wall - zoneOffset(wall, timeZone);
  const second = zoneOffset(utc, timeZone);
  utc = wall - second;
  return new Date(utc).toISOString();
}

/** Milliseconds the zone is ahead of UTC at an instant. Throws RangeError for an unknown zone. */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - instant;
}
