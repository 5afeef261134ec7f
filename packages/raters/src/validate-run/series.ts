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
 * scores (null) are left out. Validation asks for the same series many times (the criterion once per rater),
 * so each is computed once per array of rows; the map returned is shared and must not be changed.
 */
export function seriesOf(
  scores: readonly ScoreRow[],
  source: ScoreSource,
  who: string,
  ref: ScaleRef,
  field: Field,
): ReadonlyMap<string, number> {
  const col = columnOf(scores, source, who, ref);
  const cached = col.series[field];
  if (cached) return cached;
  const values = col[field];
  const sums = new Map<string, { sum: number; n: number }>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    const id = col.sessionIds[i]!;
    const e = sums.get(id);
    if (e) {
      e.sum += v;
      e.n++;
    } else sums.set(id, { sum: v, n: 1 });
  }
  const out = new Map<string, number>();
  for (const [k, e] of sums) out.set(k, e.sum / e.n);
  col.series[field] = out;
  return out;
}

/**
 * The scores of one source on one scale as parallel columns, in the rows' order (a missing score is NaN).
 * Reading the columns instead of the row objects keeps the hundreds of passes validation makes over one
 * scale's values to contiguous numbers.
 */
export interface ScoreColumn {
  sessionIds: string[];
  replicate: number[];
  score: number[];
  pomp: number[];
  series: Partial<Record<Field, Map<string, number>>>;
}

const EMPTY: ScoreColumn = { sessionIds: [], replicate: [], score: [], pomp: [], series: {} };

export function columnOf(scores: readonly ScoreRow[], source: ScoreSource, who: string, ref: ScaleRef): ScoreColumn {
  return indexOf(scores).columns.get(source)?.get(who)?.get(ref.instrument)?.get(ref.form)?.get(ref.scale) ?? EMPTY;
}

interface ScoreIndex {
  /** Columns by source, who, instrument, form and scale; every level's keys in order of first appearance. */
  columns: Map<string, Map<string, Map<string, Map<string, Map<string, ScoreColumn>>>>>;
  /** Each source and who's scales in the order they first appear. */
  scales: Map<string, ScaleRef[]>;
}

// The score rows of a study are read once and asked for hundreds of series: grouped once per array.
const indexes = new WeakMap<readonly ScoreRow[], ScoreIndex>();

function child<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = make()));
  return v;
}

function indexOf(scores: readonly ScoreRow[]): ScoreIndex {
  let index = indexes.get(scores);
  if (!index) {
    index = { columns: new Map(), scales: new Map() };
    const { scales } = index;
    for (const s of scores) {
      const col = child(
        child(
          child(
            child(index.columns, s.source, () => new Map()),
            s.rater,
            () => new Map(),
          ),
          s.instrument,
          () => new Map(),
        ),
        s.form,
        () => new Map(),
      );
      const c = child(col, s.scale, (): ScoreColumn => {
        child(scales, `${s.source}\u0000${s.rater}`, () => []).push({
          instrument: s.instrument,
          form: s.form,
          scale: s.scale,
        });
        return { sessionIds: [], replicate: [], score: [], pomp: [], series: {} };
      });
      c.sessionIds.push(s.session_id);
      c.replicate.push(s.replicate);
      c.score.push(s.score ?? NaN);
      c.pomp.push(s.pomp ?? NaN);
    }
    indexes.set(scores, index);
  }
  return index;
}

/** Who has scores from one source (coders, raters), in order of first appearance. */
export function sourcesOf(scores: readonly ScoreRow[], source: ScoreSource): string[] {
  return [...(indexOf(scores).columns.get(source)?.keys() ?? [])];
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
  return [...(indexOf(scores).scales.get(`${source}\u0000${who}`) ?? [])];
}

export const STUDY_FILE_LABEL = (study: string) => `study "${study}"`;
