/**
 * Wall-clock time in a named IANA zone, both ways, through Intl alone (no zone database of our own): the study's
 * schedule (link expiry in the study's zone) and Qualtrics' local timestamps both need it.
 */

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

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. Throws RangeError for an unknown zone. */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant at which the zone's clocks show `wall` (a wall-clock time written as if it were UTC milliseconds).
 * The offset at the wall-clock guess, then again at the corrected instant: they differ only across a DST change.
 */
export function wallClockToInstant(wall: number, timeZone: string): number {
  const guess = wall - zoneOffsetMs(wall, timeZone);
  return wall - zoneOffsetMs(guess, timeZone);
}
