import { isCalendarDate } from '../../../util/time';
import { wallClockToInstant } from '../../../util/time-zone';

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
  return new Date(wallClockToInstant(Date.UTC(y, mo - 1, d, h, mi, s), timeZone)).toISOString();
}
