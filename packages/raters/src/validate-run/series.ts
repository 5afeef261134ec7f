import type { ScoreRow, ScoreSource } from '@alliance-lab/core';
import type { ScaleRef } from './data';

/** Who and when a session is. */
export interface SessionInfo {
  sessionId: string;
  client: string;
  therapist: string;
  session: number;
  date: string | null;
}

/** Sessions in the scores' order (client, then session number). */
export function sessionIndex(scores: readonly ScoreRow[]): Map<string, SessionInfo> {
  const out = new Map<string, SessionInfo>();
  for (const s of scores)
    if (!out.has(s.session_id))
      out.set(s.session_id, {
        sessionId: s.session_id,
        client: s.client,
        therapist: s.therapist,
        session: s.session,
        date: s.date,
      });
  return out;
}

export type Field = 'score' | 'pomp';

/**
 * One value per session of one source on one scale. A rater's replicates are averaged: the rater's score of a
 * session is the mean of its runs, the quantity whose reliability the replicate projection reports. Missing
 * scores (null) are left out.
 */
export function seriesOf(
  scores: readonly ScoreRow[],
  source: ScoreSource,
  who: string,
  ref: ScaleRef,
  field: Field,
): Map<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const s of byScale(scores).get(scaleKey(source, who, ref)) ?? []) {
    const v = s[field];
    if (v === null) continue;
    const e = sums.get(s.session_id) ?? { sum: 0, n: 0 };
    e.sum += v;
    e.n++;
    sums.set(s.session_id, e);
  }
  return new Map([...sums].map(([k, e]) => [k, e.sum / e.n]));
}

const scaleKey = (source: string, who: string, ref: ScaleRef) =>
  `${source}\u0000${who}\u0000${ref.instrument}\u0000${ref.form}\u0000${ref.scale}`;

// The score rows of a study are read once and asked for hundreds of series: grouped once per array.
const indexes = new WeakMap<readonly ScoreRow[], Map<string, ScoreRow[]>>();

function byScale(scores: readonly ScoreRow[]): Map<string, ScoreRow[]> {
  let index = indexes.get(scores);
  if (!index) {
    index = new Map();
    for (const s of scores) {
      const key = scaleKey(s.source, s.rater, s);
      const list = index.get(key);
      if (list) list.push(s);
      else index.set(key, [s]);
    }
    indexes.set(scores, index);
  }
  return index;
}

/** Sessions where both series have a value, in session order, as parallel columns. */
export interface Paired {
  sessions: SessionInfo[];
  x: number[];
  y: number[];
  /** Sessions with a value in one series only. */
  excluded: number;
}

export function pairSeries(
  x: ReadonlyMap<string, number>,
  y: ReadonlyMap<string, number>,
  info: ReadonlyMap<string, SessionInfo>,
): Paired {
  const out: Paired = { sessions: [], x: [], y: [], excluded: 0 };
  for (const [id, s] of info) {
    const a = x.get(id);
    const b = y.get(id);
    if (a === undefined && b === undefined) continue;
    if (a === undefined || b === undefined) {
      out.excluded++;
      continue;
    }
    out.sessions.push(s);
    out.x.push(a);
    out.y.push(b);
  }
  return out;
}

/** Scales a source has on a form, in the order they first appear. */
export function scalesOf(scores: readonly ScoreRow[], source: ScoreSource, who: string): ScaleRef[] {
  const seen = new Map<string, ScaleRef>();
  for (const s of scores)
    if (s.source === source && s.rater === who) {
      const key = `${s.instrument}\u0000${s.form}\u0000${s.scale}`;
      if (!seen.has(key)) seen.set(key, { instrument: s.instrument, form: s.form, scale: s.scale });
    }
  return [...seen.values()];
}

export const STUDY_FILE_LABEL = (study: string) => `study "${study}"`;
