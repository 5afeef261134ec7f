import { crossedReml, type CrossedCell } from '../crossed-reml';
import { fQuantile, fUpperP } from '../distributions';
import { defined, type Reasons, withReasons } from '../reasons';

/**
 * Intraclass correlations: the six Shrout & Fleiss (1979) forms with their McGraw & Wong (1996) names, each
 * with its F test and F-based confidence interval computed exactly as psych::ICC does (including psych's
 * approximate df for the ICC2 interval), so a value here can be put beside one from R.
 */

export const ICC_FORMS = ['ICC1', 'ICC2', 'ICC3', 'ICC1k', 'ICC2k', 'ICC3k'] as const;
export type IccFormKey = (typeof ICC_FORMS)[number];

/** A field is null only when the form does not define it; `reasons` (or `undefinedReason`) then says why. */
export interface IccForm {
  icc: number | null;
  f: number | null;
  df1: number;
  df2: number;
  p: number | null;
  ci95: [number, number] | null;
  reasons?: Reasons;
  undefinedReason?: string;
}

export const ICC_FORM_NAMES: Record<IccFormKey, { shroutFleiss: string; mcgrawWong: string; model: string }> = {
  ICC1: {
    shroutFleiss: 'ICC(1,1)',
    mcgrawWong: 'ICC(1)',
    model: 'one-way random effects, absolute agreement, single rater',
  },
  ICC2: {
    shroutFleiss: 'ICC(2,1)',
    mcgrawWong: 'ICC(A,1)',
    model: 'two-way random effects, absolute agreement, single rater',
  },
  ICC3: { shroutFleiss: 'ICC(3,1)', mcgrawWong: 'ICC(C,1)', model: 'two-way mixed effects, consistency, single rater' },
  ICC1k: {
    shroutFleiss: 'ICC(1,k)',
    mcgrawWong: 'ICC(k)',
    model: 'one-way random effects, absolute agreement, mean of k raters',
  },
  ICC2k: {
    shroutFleiss: 'ICC(2,k)',
    mcgrawWong: 'ICC(A,k)',
    model: 'two-way random effects, absolute agreement, mean of k raters',
  },
  ICC3k: {
    shroutFleiss: 'ICC(3,k)',
    mcgrawWong: 'ICC(C,k)',
    model: 'two-way mixed effects, consistency, mean of k raters',
  },
};

/** Between-subjects, within-subjects, between-raters (judges) and residual mean squares. */
export interface MeanSquares {
  BMS: number;
  WMS: number;
  JMS: number;
  EMS: number;
}

export type IccMissing = 'drop' | 'model';

export interface IccOptions {
  /**
   * 'drop' (default): subjects without a rating from every rater are dropped and the two-way ANOVA is used.
   * 'model': variance components by REML on every rating, as psych::ICC(lmer = TRUE).
   */
  missing?: IccMissing;
  /** Confidence level of the intervals; 0.95 unless given. */
  level?: number;
}

export interface IccResult {
  forms: Record<IccFormKey, IccForm>;
  /** Subjects and raters the estimates rest on. */
  n: number;
  raters: number;
  meanSquares: MeanSquares;
  /** Subject, rater and residual variances: REML estimates, or the ANOVA (moment) estimates, which may be negative. */
  varianceComponents: { subject: number; rater: number; residual: number };
  missing: { mode: IccMissing; subjectsDropped: number; missingCells: number; subjectsInInput: number };
  method: string;
}

/**
 * The six forms from the mean squares of n subjects by k raters, with psych::ICC's formulas. The ICC2 interval
 * uses the Satterthwaite-type df v of McGraw & Wong (1996), as psych computes it.
 */
export function iccForms(ms: MeanSquares, n: number, k: number, level = 0.95): Record<IccFormKey, IccForm> {
  const { BMS: MSB, WMS: MSW, JMS: MSJ, EMS: MSE } = ms;
  const q = 1 - (1 - level) / 2;
  const d1: [number, number] = [n - 1, n * (k - 1)];
  const d2: [number, number] = [n - 1, (n - 1) * (k - 1)];
  if (MSB === 0 && MSW === 0 && MSE === 0 && MSJ === 0) {
    const none = (d: [number, number]): IccForm => ({
      icc: null,
      f: null,
      df1: d[0],
      df2: d[1],
      p: null,
      ci95: null,
      undefinedReason: 'the ratings do not vary (every mean square is 0), so every ICC is 0/0',
    });
    return { ICC1: none(d1), ICC2: none(d2), ICC3: none(d2), ICC1k: none(d1), ICC2k: none(d2), ICC3k: none(d2) };
  }
  const icc1 = (MSB - MSW) / (MSB + (k - 1) * MSW);
  const icc2 = (MSB - MSE) / (MSB + (k - 1) * MSE + (k * (MSJ - MSE)) / n);
  const icc3 = (MSB - MSE) / (MSB + (k - 1) * MSE);
  const F1 = MSB / MSW;
  const F2 = MSB / MSE;
  const p1 = fUpperP(F1, d1[0], d1[1]);
  const p2 = fUpperP(F2, d2[0], d2[1]);

  const F1L = F1 / fQuantile(q, d1[0], d1[1]);
  const F1U = F1 * fQuantile(q, d1[1], d1[0]);
  const F3L = F2 / fQuantile(q, d2[0], d2[1]);
  const F3U = F2 * fQuantile(q, d2[1], d2[0]);

  const Fj = MSJ / MSE;
  const vn = (k - 1) * (n - 1) * (k * icc2 * Fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2;
  const vd = (n - 1) * k * k * icc2 * icc2 * Fj * Fj + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2;
  // As MSE → 0, Fj → ∞ and v → k − 1; with MSJ = 0 too the ICC2 limits are 1 whatever v is.
  const v = MSE === 0 ? k - 1 : vn / vd;
  const G3U = fQuantile(q, n - 1, v);
  const G3L = fQuantile(q, v, n - 1);
  const L2 = (n * (MSB - G3U * MSE)) / (G3U * (k * MSJ + (k * n - k - n) * MSE) + n * MSB);
  const U2 = (n * (G3L * MSB - MSE)) / (k * MSJ + (k * n - k - n) * MSE + n * G3L * MSB);

  // An F whose residual mean square is exactly 0 is infinite: p is 0 and an F-based interval closes on 1.
  const infinite = (f: number, residual: string): string | undefined =>
    f === Infinity ? `the residual mean square is 0 (${residual}), so F is infinite` : undefined;
  const form = (
    icc: number,
    f: number,
    d: [number, number],
    p: number,
    lo: number,
    hi: number,
    fInfinite: string | undefined,
  ): IccForm => {
    const reasons: Reasons = {};
    const closed = fInfinite !== undefined && icc === 1;
    const ci95: [number, number] | null = closed
      ? [1, 1]
      : Number.isFinite(lo) && Number.isFinite(hi)
        ? [lo, hi]
        : null;
    if (ci95 === null)
      reasons.ci95 =
        f === 0
          ? "F is 0 (the subjects' mean ratings do not differ), so the interval is unbounded"
          : 'the F-based interval is not finite for these mean squares';
    return withReasons(
      {
        icc: defined(icc, 'icc', 'the ICC is 0/0 for these mean squares', reasons),
        f: defined(f, 'f', fInfinite ?? 'F is 0/0 for these mean squares', reasons),
        df1: d[0],
        df2: d[1],
        p: fInfinite !== undefined ? 0 : defined(p, 'p', 'F is undefined, so p is too', reasons),
        ci95,
      },
      reasons,
    );
  };
  const w1 = infinite(F1, 'each subject gets the same rating from every rater');
  const w2 = infinite(F2, "every rating is exactly its subject's mean plus its rater's offset");
  return {
    ICC1: form(icc1, F1, d1, p1, (F1L - 1) / (F1L + k - 1), (F1U - 1) / (F1U + k - 1), w1),
    ICC2: form(icc2, F2, d2, p2, L2, U2, w2),
    ICC3: form(icc3, F2, d2, p2, (F3L - 1) / (F3L + k - 1), (F3U - 1) / (F3U + k - 1), w2),
    ICC1k: form((MSB - MSW) / MSB, F1, d1, p1, 1 - 1 / F1L, 1 - 1 / F1U, w1),
    ICC2k: form(
      (MSB - MSE) / (MSB + (MSJ - MSE) / n),
      F2,
      d2,
      p2,
      (L2 * k) / (1 + L2 * (k - 1)),
      (U2 * k) / (1 + U2 * (k - 1)),
      w2,
    ),
    ICC3k: form((MSB - MSE) / MSB, F2, d2, p2, 1 - 1 / F3L, 1 - 1 / F3U, w2),
  };
}

/**
 * Mean squares that are rounding noise set to exactly 0: a mean square of deviations that are all zero in
 * exact arithmetic comes out near (ε·max|x|)², and dividing by it would present noise as an F. REML variances
 * come from an optimiser, whose noise is relative to the largest mean square (`relative`).
 */
export function cleanMeanSquares(ms: MeanSquares, maxAbs: number, relative = 0): MeanSquares {
  const floor = Math.max((64 * Number.EPSILON * maxAbs) ** 2, relative * Math.max(ms.BMS, ms.WMS, ms.JMS, ms.EMS));
  const c = (x: number) => (Math.abs(x) <= floor ? 0 : x);
  return { BMS: c(ms.BMS), WMS: c(ms.WMS), JMS: c(ms.JMS), EMS: c(ms.EMS) };
}

/** Two-way ANOVA mean squares of a complete subjects × raters matrix (row-major, n·k values). */
export function twoWayMeanSquares(values: ArrayLike<number>, n: number, k: number): MeanSquares {
  const rowMean = new Float64Array(n);
  const colMean = new Float64Array(k);
  let grand = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) {
      const x = values[i * k + j]!;
      s += x;
      colMean[j]! += x;
    }
    rowMean[i] = s / k;
    grand += s;
  }
  grand /= n * k;
  for (let j = 0; j < k; j++) colMean[j]! /= n;
  let ssr = 0;
  for (let i = 0; i < n; i++) ssr += (rowMean[i]! - grand) ** 2;
  ssr *= k;
  let ssc = 0;
  for (let j = 0; j < k; j++) ssc += (colMean[j]! - grand) ** 2;
  ssc *= n;
  // The residual is summed directly rather than as SS_total − SS_rows − SS_cols, which cancels when subjects differ a lot.
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const ri = rowMean[i]! - grand;
    for (let j = 0; j < k; j++) {
      const e = values[i * k + j]! - grand - ri - (colMean[j]! - grand);
      sse += e * e;
    }
  }
  return { BMS: ssr / (n - 1), JMS: ssc / (k - 1), EMS: sse / ((n - 1) * (k - 1)), WMS: (ssc + sse) / (n * (k - 1)) };
}

/**
 * ICCs of a subjects × raters matrix (null = no rating). Throws a RangeError when too little is left to
 * estimate anything (fewer than two subjects or raters).
 */
export function icc(ratings: ReadonlyArray<ReadonlyArray<number | null>>, opts: IccOptions = {}): IccResult {
  const mode = opts.missing ?? 'drop';
  const level = opts.level ?? 0.95;
  const k0 = ratings.reduce((m, r) => Math.max(m, r.length), 0);
  let missingCells = 0;
  for (const r of ratings) for (let j = 0; j < k0; j++) if (r[j] === null || r[j] === undefined) missingCells++;
  if (k0 < 2) throw new RangeError(`an ICC needs at least two raters, found ${k0}`);
  return mode === 'model' ? iccReml(ratings, k0, missingCells, level) : iccComplete(ratings, k0, missingCells, level);
}

function iccComplete(
  ratings: ReadonlyArray<ReadonlyArray<number | null>>,
  k: number,
  missingCells: number,
  level: number,
): IccResult {
  const keep = ratings.filter((r) => r.length === k && r.every((v) => v !== null && v !== undefined)) as ReadonlyArray<
    ReadonlyArray<number>
  >;
  const n = keep.length;
  const dropped = ratings.length - n;
  if (n < 2) {
    throw new RangeError(
      `only ${n} of ${ratings.length} subjects have a rating from all ${k} raters; the ANOVA needs at least two (use the REML model for incomplete designs)`,
    );
  }
  const values = new Float64Array(n * k);
  keep.forEach((r, i) => values.set(r, i * k));
  let maxAbs = 0;
  for (const x of values) maxAbs = Math.max(maxAbs, Math.abs(x));
  const ms = cleanMeanSquares(twoWayMeanSquares(values, n, k), maxAbs);
  return {
    forms: iccForms(ms, n, k, level),
    n,
    raters: k,
    meanSquares: ms,
    varianceComponents: { subject: (ms.BMS - ms.EMS) / k, rater: (ms.JMS - ms.EMS) / n, residual: ms.EMS },
    missing: { mode: 'drop', subjectsDropped: dropped, missingCells, subjectsInInput: ratings.length },
    method:
      'Shrout & Fleiss (1979) ICCs from two-way ANOVA mean squares; F tests and F-based intervals as psych::ICC (lmer = FALSE), ' +
      'the ICC2 interval with its approximate (Satterthwaite-type) df' +
      (dropped > 0 ? `; ${dropped} of ${ratings.length} subjects dropped for missing ratings` : ''),
  };
}

function iccReml(
  ratings: ReadonlyArray<ReadonlyArray<number | null>>,
  k0: number,
  missingCells: number,
  level: number,
): IccResult {
  const raterIndex = new Int32Array(k0).fill(-1);
  const cells: CrossedCell[] = [];
  let n = 0;
  for (const r of ratings) {
    let any = false;
    for (let j = 0; j < k0; j++) {
      const v = r[j];
      if (v === null || v === undefined) continue;
      if (raterIndex[j]! < 0) raterIndex[j] = 0;
      cells.push({ subject: n, rater: j, value: v });
      any = true;
    }
    if (any) n++;
  }
  let k = 0;
  for (let j = 0; j < k0; j++) if (raterIndex[j]! >= 0) raterIndex[j] = k++;
  for (const c of cells) c.rater = raterIndex[c.rater]!;
  const dropped = ratings.length - n;
  if (n < 2 || k < 2)
    throw new RangeError(
      `the REML model needs ratings of at least two subjects by at least two raters, found ${n} subjects and ${k} raters`,
    );
  const fit = crossedReml(cells, n, k);
  // psych::ICC(lmer = TRUE) rebuilds the mean squares from the variance components; so do we, for the same forms.
  const maxAbs = cells.reduce((m, c) => Math.max(m, Math.abs(c.value)), 0);
  const ms = cleanMeanSquares(
    {
      BMS: k * fit.subject + fit.residual,
      JMS: n * fit.rater + fit.residual,
      EMS: fit.residual,
      WMS: fit.residual + fit.rater,
    },
    maxAbs,
    1e-12,
  );
  return {
    forms: iccForms(ms, n, k, level),
    n,
    raters: k,
    meanSquares: ms,
    varianceComponents: { subject: fit.subject, rater: fit.rater, residual: fit.residual },
    missing: { mode: 'model', subjectsDropped: dropped, missingCells, subjectsInInput: ratings.length },
    method:
      `variance components by REML (crossed random subject and rater intercepts, as lme4::lmer) on all ${cells.length} ratings; ` +
      'mean squares rebuilt from them, ICCs, F tests and F-based intervals as psych::ICC (lmer = TRUE)' +
      (fit.converged ? '' : '; the REML optimiser stopped before its convergence test was met') +
      (dropped > 0 ? `; ${dropped} subjects without any rating left out` : ''),
  };
}
