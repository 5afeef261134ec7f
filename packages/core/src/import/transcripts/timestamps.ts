/**
 * Clock times in transcripts. Caption formats are strict (a malformed cue time usually means a broken export);
 * CSV columns accept what spreadsheets and datasets actually hold.
 */

/** WebVTT: [hh:]mm:ss.ttt (hours any width, the rest fixed). SRT: hh:mm:ss,ttt; many tools write "." instead of ",". */
const CUE_TIME = /^(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})$/;

/** Seconds from a caption cue time, or undefined when it is not one. */
export function parseCueTime(s: string): number | undefined {
  const m = CUE_TIME.exec(s);
  if (!m) return undefined;
  const minutes = Number(m[2]);
  const seconds = Number(m[3]);
  if (minutes > 59 || seconds > 59) return undefined;
  return round3(Number(m[1] ?? 0) * 3600 + minutes * 60 + seconds + Number(m[4]) / 1000);
}

/**
 * Seconds from a CSV cell: plain seconds ("75.5") or a clock time ("00:01:15", "1:15", "00:01:15.5").
 * Fields are range-checked rather than width-checked: the AnnoMI corpus has "00:09:025", which is 9 min 25 s.
 */
export function parseClockOrSeconds(s: string): number | undefined {
  const t = s.trim();
  if (/^\d+(?:\.\d+)?$/.test(t)) return round3(Number(t));
  const m = /^(?:(\d+):)?(\d+):(\d+)(?:[.,](\d+))?$/.exec(t);
  if (!m) return undefined;
  const minutes = Number(m[2]);
  const seconds = Number(m[3]);
  if ((m[1] !== undefined && minutes > 59) || seconds > 59) return undefined;
  return round3(Number(m[1] ?? 0) * 3600 + minutes * 60 + seconds + (m[4] ? Number(`0.${m[4]}`) : 0));
}

// Millisecond precision: binary fractions from 0.001 steps would otherwise make equal times hash differently.
function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Shows a bad time in a message only when it looks like a time; anything else may be transcript text. */
export function quoteIfTimeLike(s: string): string {
  const t = s.trim();
  return /^[\d:.,]{1,24}$/.test(t) ? ` "${t}"` : '';
}
