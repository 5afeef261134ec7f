import type { ResponseItems, ScoreRow, StoredRating } from '@alliance-lab/core';
import { alphaJson, blandAltmanJson, iccJson, kappaJson } from '@alliance-lab/core/cli';
import { blandAltman, cohenKappa, icc, krippendorffAlpha } from '@alliance-lab/core/stats';
import { attempt, withReasons } from './attempt';
import type { ScaleRef } from './data';
import { METHODS, type Sample, sampleOf } from './sample';
import { type SessionInfo, columnOf, pairSeries, seriesOf, sourcesOf } from './series';

/** Alpha's bootstrap as `alliance stats alpha` runs it by default, so the intervals match the command's. */
export const ALPHA_OPTIONS = { metric: 'interval', bootstrap: 1000, seed: 1 } as const;

export interface VsCoder {
  coder: string;
  scale: ScaleRef;
  /** Sessions rated by both, and their clients. */
  n: Sample;
  method: string;
  icc: Record<string, unknown> | null;
  alpha: Record<string, unknown> | null;
  kappa: Array<{ item: string; kappa: Record<string, unknown> | null; reasons?: Record<string, string> }> | null;
  blandAltman: Record<string, unknown> | null;
  reasons?: Record<string, string>;
}

export function coderIds(scores: readonly ScoreRow[], ref: ScaleRef): string[] {
  return sourcesOf(scores, 'coder')
    .filter((c) => columnOf(scores, 'coder', c, ref).sessionIds.length > 0)
    .sort();
}

/** The coders' mean per session, over the coders who rated it. */
function coderMean(scores: readonly ScoreRow[], coders: readonly string[], ref: ScaleRef, field: 'score' | 'pomp') {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const c of coders)
    for (const [id, v] of seriesOf(scores, 'coder', c, ref, field)) {
      const e = sums.get(id) ?? { sum: 0, n: 0 };
      e.sum += v;
      e.n++;
      sums.set(id, e);
    }
  return new Map([...sums].map(([k, e]) => [k, e.sum / e.n]));
}

/** Two series as the subjects × raters matrix of `stats icc` / `stats alpha`, sessions with both values. */
export function twoColumn(
  a: ReadonlyMap<string, number>,
  b: ReadonlyMap<string, number>,
  info: ReadonlyMap<string, SessionInfo>,
) {
  const p = pairSeries(a, b, info);
  return { cells: p.x.map((x, i) => [x, p.y[i]!]), paired: p };
}

/** First-replicate item values per session, the categories kappa compares. */
function raterItems(ratings: readonly StoredRating[], ref: ScaleRef): Map<string, Record<string, number | null>> {
  const out = new Map<string, Record<string, number | null>>();
  for (const g of ratings)
    if (g.status === 'ok' && g.replicate === 1)
      for (const f of g.forms)
        if (f.instrument === ref.instrument && f.form === ref.form) out.set(g.sessionId, f.items);
  return out;
}

function kappaPerItem(
  rater: Map<string, Record<string, number | null>>,
  coder: ReadonlyArray<ResponseItems>,
  file: string,
  names: [string, string],
): VsCoder['kappa'] {
  const bySession = new Map(coder.map((c) => [c.sessionId, c.items]));
  const items = new Set<string>();
  for (const c of coder) for (const k of Object.keys(c.items)) items.add(k);
  const out: NonNullable<VsCoder['kappa']> = [];
  for (const item of [...items].sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : 1))) {
    const a: Array<number | null> = [];
    const b: Array<number | null> = [];
    for (const [session, values] of rater) {
      const c = bySession.get(session);
      if (!c) continue;
      a.push(values[item] ?? null);
      b.push(c[item] ?? null);
    }
    const reasons: Record<string, string> = {};
    const k = attempt('kappa', reasons, () => kappaJson(cohenKappa(a, b, { weights: 'quadratic' }), names, file));
    out.push(withReasons({ item, kappa: k }, reasons));
  }
  return out;
}

/** A rater against each coder and against the coders' mean on one scale (the form's total). */
export function vsCoders(
  rater: string,
  scores: readonly ScoreRow[],
  ratings: readonly StoredRating[],
  coderItems: readonly ResponseItems[],
  ref: ScaleRef,
  info: ReadonlyMap<string, SessionInfo>,
  file: string,
): VsCoder[] {
  const coders = coderIds(scores, ref);
  if (coders.length === 0) return [];
  const rScore = seriesOf(scores, 'rater', rater, ref, 'score');
  const rPomp = seriesOf(scores, 'rater', rater, ref, 'pomp');
  const items = raterItems(ratings, ref);
  const against = [...coders, ...(coders.length > 1 ? ['mean'] : [])];
  return against.map((coder) => {
    const isMean = coder === 'mean';
    const cScore = isMean ? coderMean(scores, coders, ref, 'score') : seriesOf(scores, 'coder', coder, ref, 'score');
    const cPomp = isMean ? coderMean(scores, coders, ref, 'pomp') : seriesOf(scores, 'coder', coder, ref, 'pomp');
    const { cells, paired } = twoColumn(rScore, cScore, info);
    const ba = pairSeries(rPomp, cPomp, info);
    const reasons: Record<string, string> = {};
    const iccObj = attempt('icc', reasons, () => iccJson(icc(cells), file));
    const alphaObj = attempt('alpha', reasons, () => alphaJson(krippendorffAlpha(cells, ALPHA_OPTIONS), file));
    const baObj = attempt('blandAltman', reasons, () => blandAltmanJson(blandAltman(ba.x, ba.y), ba.excluded, file));
    let kappa: VsCoder['kappa'] = null;
    if (isMean) reasons.kappa = "the coders' mean is not a category of the scale; kappa is given against each coder";
    else
      kappa = kappaPerItem(
        items,
        coderItems.filter((c) => c.respondent === coder),
        file,
        [rater, coder],
      );
    return withReasons(
      {
        coder,
        scale: ref,
        n: sampleOf(paired.sessions),
        method: METHODS.vsCoder,
        icc: iccObj,
        alpha: alphaObj,
        kappa,
        blandAltman: baObj,
      },
      reasons,
    );
  });
}

/** The coders among themselves on one scale: the ceiling a rater's agreement is read against. */
export function coderAgreement(
  scores: readonly ScoreRow[],
  ref: ScaleRef,
  info: ReadonlyMap<string, SessionInfo>,
  file: string,
): {
  coders: string[];
  scale: ScaleRef;
  /** Sessions with a score from at least two coders (what both statistics can use), and their clients. */
  n: Sample;
  method: string;
  icc: Record<string, unknown> | null;
  alpha: Record<string, unknown> | null;
  reasons?: Record<string, string>;
} {
  const coders = coderIds(scores, ref);
  const reasons: Record<string, string> = {};
  if (coders.length < 2) {
    const why = `agreement among coders needs two coders; ${coders.length === 0 ? 'none has' : 'one has'} rated ${ref.instrument}:${ref.form}`;
    return {
      coders,
      scale: ref,
      n: { clients: 0, sessions: 0 },
      method: METHODS.coders,
      icc: null,
      alpha: null,
      reasons: { icc: why, alpha: why },
    };
  }
  const series = coders.map((c) => seriesOf(scores, 'coder', c, ref, 'score'));
  const cells: Array<Array<number | null>> = [];
  const pairable: SessionInfo[] = [];
  for (const [id, s] of info) {
    const row = series.map((x) => x.get(id) ?? null);
    if (row.some((v) => v !== null)) cells.push(row);
    if (row.filter((v) => v !== null).length >= 2) pairable.push(s);
  }
  const iccObj = attempt('icc', reasons, () => iccJson(icc(cells), file));
  const alphaObj = attempt('alpha', reasons, () => alphaJson(krippendorffAlpha(cells, ALPHA_OPTIONS), file));
  return withReasons(
    { coders, scale: ref, n: sampleOf(pairable), method: METHODS.coders, icc: iccObj, alpha: alphaObj },
    reasons,
  );
}
