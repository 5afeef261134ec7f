import { agreementWeights, type Category, type WeightBasis, type WeightScheme } from '../agreement-weights';
import { tQuantile, tTwoSidedP } from '../distributions';
import { agreementCore, linearisedVariance, ratingCounts } from '../rating-counts';
import { type Reasons, withReasons } from '../reasons';

/**
 * Gwet's AC1 (unweighted) and AC2 (weighted) agreement coefficients for any number of raters with missing
 * ratings, with Gwet's standard errors, exactly as irrCAC computes them (gwet.ac1.raw; gwet.ac1.table for a
 * two-rater contingency table): chance agreement pe = T_w Σ_k π_k(1 − π_k) / (q(q − 1)), T_w the sum of the
 * weights; interval AC ± t(n − 1)·se with the upper end capped at 1, and the two-sided p of H0: AC = 0 from
 * t(n − 1) (the p-values irrCAC 1.0 prints in its README are two-sided).
 */

export interface GwetAcOptions {
  weights?: WeightScheme;
  basis?: WeightBasis;
  categories?: ReadonlyArray<Category>;
  level?: number;
}

export interface GwetAcResult {
  coefficient: 'AC1' | 'AC2';
  /** null when undefined (only one category in use). */
  ac: number | null;
  se: number | null;
  ci95: [number, number] | null;
  /** Two-sided p of H0: AC = 0 from t(n − 1), as irrCAC. */
  p: number | null;
  /** Observed and chance agreement; null (with `undefinedReason`) when the coefficient is undefined. */
  pa: number | null;
  pe: number | null;
  /** Subjects with at least one rating. */
  n: number;
  raters: number;
  categories: Category[];
  weights: WeightScheme;
  basis: WeightBasis;
  unrated: number;
  reasons?: Reasons;
  undefinedReason?: string;
  method: string;
}

/** Interval and p-value as irrCAC reports them for every coefficient. */
export function irrCacInference(
  value: number,
  se: number,
  n: number,
  level: number,
): { ci95: [number, number]; p: number } {
  const t = tQuantile(1 - (1 - level) / 2, n - 1);
  return { ci95: [value - t * se, Math.min(1, value + t * se)], p: tTwoSidedP(value / se, n - 1) };
}

/** Below this a chance-corrected coefficient's SE (on a scale of 1) is rounding noise around 0. */
export const SE_NOISE = 1e-9;

/**
 * irrCAC's interval and p, extended to an SE of 0 (all raters agree on every subject): the interval closes
 * on the estimate and p is 0 — as Cohen's kappa and AC report — unless the estimate is 0 too.
 */
export function agreementInference(
  value: number,
  se: number,
  n: number,
  level: number,
  reasons: Reasons,
): { ci95: [number, number] | null; p: number | null } {
  if (se > SE_NOISE) return irrCacInference(value, se, n, level);
  if (value !== 0) return { ci95: [value, value], p: 0 };
  reasons.p = 'the estimate and its SE are both 0, so the test statistic is 0/0';
  return { ci95: [0, 0], p: null };
}

/** AC1/AC2 of subjects × raters ratings (null = missing). */
export function gwetAc(
  ratings: ReadonlyArray<ReadonlyArray<Category | null | undefined>>,
  opts: GwetAcOptions = {},
): GwetAcResult {
  const rc = ratingCounts(ratings, opts.categories);
  return gwetAcFromCounts(rc.counts, rc.categories, { ...opts, raters: rc.raters, unrated: rc.unrated });
}

export function gwetAcFromCounts(
  counts: ReadonlyArray<ReadonlyArray<number>>,
  categories: ReadonlyArray<Category>,
  opts: GwetAcOptions & { raters?: number; unrated?: number } = {},
): GwetAcResult {
  const scheme = opts.weights ?? 'unweighted';
  const basis = opts.basis ?? 'values';
  const level = opts.level ?? 0.95;
  const q = categories.length;
  const w = agreementWeights(categories, scheme, basis);
  const coefficient: GwetAcResult['coefficient'] = scheme === 'unweighted' ? 'AC1' : 'AC2';
  const core = agreementCore(counts, w);
  const base: Omit<GwetAcResult, 'ac' | 'se' | 'ci95' | 'p' | 'pa' | 'pe'> = {
    coefficient,
    n: core.n,
    raters:
      opts.raters ??
      counts.reduce(
        (m, r) =>
          Math.max(
            m,
            r.reduce((a, b) => a + b, 0),
          ),
        0,
      ),
    categories: [...categories],
    weights: scheme,
    basis,
    unrated: opts.unrated ?? 0,
    method:
      `Gwet's ${coefficient}${scheme === 'unweighted' ? '' : ` with ${scheme} weights`}, any number of raters with missing ratings; ` +
      `SE by Gwet's linearisation, ${Math.round(level * 100)}% CI AC ± t(n−1)·SE capped at 1, two-sided t p-value (as irrCAC gwet.ac1.raw)`,
  };
  if (q < 2 || core.n2 === 0) {
    return {
      ...base,
      ac: null,
      se: null,
      ci95: null,
      p: null,
      pa: core.n2 > 0 ? core.pa : null,
      pe: null,
      undefinedReason:
        core.n2 === 0
          ? core.n === 0
            ? 'no subject has any rating, so no subject has two or more ratings'
            : 'no subject has two or more ratings'
          : 'only one category is in use, so chance agreement is undefined',
    };
  }
  let tw = 0;
  for (const row of w) for (const x of row) tw += x;
  const scale = tw / (q * (q - 1));
  let s = 0;
  for (let k = 0; k < q; k++) s += core.pi[k]! * (1 - core.pi[k]!);
  const pe = scale * s;
  const ac = (core.pa - pe) / (1 - pe);
  const peSubject = (i: number) => {
    const r = counts[i]!;
    let t = 0;
    for (let k = 0; k < q; k++) t += r[k]! * (1 - core.pi[k]!);
    return (scale * t) / core.total[i]!;
  };
  const se = core.n >= 2 ? Math.sqrt(linearisedVariance(core, ac, pe, peSubject)) : null;
  const reasons: Reasons = {};
  if (se === null) for (const key of ['se', 'ci95', 'p']) reasons[key] = 'only one subject is rated, so there is no SE';
  const inf = se !== null ? agreementInference(ac, se, core.n, level, reasons) : { ci95: null, p: null };
  return withReasons(
    { ...base, ac, se: se !== null && se <= SE_NOISE ? 0 : se, ci95: inf.ci95, p: inf.p, pa: core.pa, pe },
    reasons,
  );
}

/**
 * AC1/AC2 of two raters from their q × q contingency table (rows rater 1), with Gwet's two-rater variance
 * (irrCAC gwet.ac1.table).
 */
export function gwetAcTable(
  table: ReadonlyArray<ReadonlyArray<number>>,
  weights: ReadonlyArray<ReadonlyArray<number>>,
  level = 0.95,
): { ac: number; se: number; ci95: [number, number]; p: number; pa: number; pe: number; n: number } {
  const q = table.length;
  let n = 0;
  for (const r of table) for (const c of r) n += c;
  const pr = new Float64Array(q);
  const pc = new Float64Array(q);
  let pa = 0;
  let tw = 0;
  for (let k = 0; k < q; k++) {
    for (let l = 0; l < q; l++) {
      pr[k]! += table[k]![l]! / n;
      pc[l]! += table[k]![l]! / n;
      pa += (weights[k]![l]! * table[k]![l]!) / n;
      tw += weights[k]![l]!;
    }
  }
  const pi = Array.from({ length: q }, (_, k) => (pr[k]! + pc[k]!) / 2);
  let s = 0;
  for (const x of pi) s += x * (1 - x);
  const pe = (tw * s) / (q * (q - 1));
  const ac = (pa - pe) / (1 - pe);
  let sum = 0;
  for (let k = 0; k < q; k++) {
    for (let l = 0; l < q; l++) {
      sum +=
        (table[k]![l]! / n) *
        (weights[k]![l]! - (2 * (1 - ac) * tw * (1 - (pi[k]! + pi[l]!) / 2)) / (q * (q - 1))) ** 2;
    }
  }
  const variance = Math.max((sum - (pa - 2 * (1 - ac) * pe) ** 2) / (n * (1 - pe) ** 2), 1e-100);
  const se = Math.sqrt(variance);
  return { ac, se, ...irrCacInference(ac, se, n, level), pa, pe, n };
}
