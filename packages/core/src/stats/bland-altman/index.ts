import { normalQuantile, tQuantile, tTwoSidedP } from '../distributions';
import { type Reasons, withReasons } from '../reasons';

/**
 * Bland–Altman agreement of two methods measuring the same subjects (Bland & Altman 1986, 1999).
 *
 * Differences are x − y. The limits of agreement are bias ± z·SD (z = 1.96 for 95% limits, the normal
 * quantile, not 2). Their confidence intervals use Bland & Altman's (1999) approximate standard error
 * SD·√(1/n + z²/(2(n − 1))) with t(n − 1); the bias interval is bias ± t(n − 1)·SD/√n. Proportional bias is
 * tested by the least-squares regression of the differences on the pair means (Bland & Altman 1999, §3.2):
 * a slope different from zero means the disagreement grows or shrinks with the size of the measurement.
 */

export interface BlandAltmanOptions {
  /** Confidence level of the intervals. Default 0.95. */
  level?: number;
  /** Share of differences the limits of agreement should cover. Default 0.95. */
  coverage?: number;
}

export interface BlandAltmanResult {
  n: number;
  /** Mean difference x − y. */
  bias: number;
  /** SD of the differences (n − 1 denominator). */
  sd: number;
  /** Interval for the bias. */
  ci95: [number, number];
  /** [lower, upper] limits of agreement. */
  loa: [number, number];
  /** Intervals for the lower and the upper limit. */
  loaCi95: { lower: [number, number]; upper: [number, number] };
  /** Regression of the differences on the means; a null field is named in `reasons` with why. */
  proportionalBias: {
    intercept: number | null;
    slope: number | null;
    se: number | null;
    t: number | null;
    df: number;
    p: number | null;
    ci95: [number, number] | null;
    reasons?: Reasons;
  };
  method: string;
}

export function blandAltman(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: BlandAltmanOptions = {},
): BlandAltmanResult {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`x has ${n} values but y has ${y.length}`);
  if (n < 3) throw new RangeError(`Bland–Altman needs at least 3 pairs, found ${n}`);
  const level = opts.level ?? 0.95;
  const coverage = opts.coverage ?? 0.95;
  const d = new Float64Array(n);
  const m = new Float64Array(n);
  let dm = 0;
  let mm = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!))
      throw new RangeError(`pair ${i + 1} is not a pair of finite numbers`);
    d[i] = x[i]! - y[i]!;
    m[i] = (x[i]! + y[i]!) / 2;
    dm += d[i]!;
    mm += m[i]!;
  }
  dm /= n;
  mm /= n;
  let sdd = 0;
  let smm = 0;
  let sdm = 0;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    sdd += (d[i]! - dm) ** 2;
    smm += (m[i]! - mm) ** 2;
    sdm += (d[i]! - dm) * (m[i]! - mm);
    maxAbs = Math.max(maxAbs, Math.abs(x[i]!), Math.abs(y[i]!));
  }
  // A constant difference (3.1 − 1.1 against 4.2 − 2.2) leaves sums of squares of pure rounding; they are 0.
  const floor = n * (64 * Number.EPSILON * maxAbs) ** 2;
  if (sdd <= floor) sdd = sdm = 0;
  if (smm <= floor) smm = sdm = 0;
  const sd = Math.sqrt(sdd / (n - 1));
  const z = normalQuantile(1 - (1 - coverage) / 2);
  const t = tQuantile(1 - (1 - level) / 2, n - 1);
  const seBias = sd / Math.sqrt(n);
  const seLoa = sd * Math.sqrt(1 / n + (z * z) / (2 * (n - 1)));
  const lower = dm - z * sd;
  const upper = dm + z * sd;

  const df = n - 2;
  const t2 = tQuantile(1 - (1 - level) / 2, df);
  const pct = Math.round(level * 100);
  const proportionalBias = proportionalBiasTest(sdd, smm, sdm, dm, mm, df, t2);
  return {
    n,
    bias: dm,
    sd,
    ci95: [dm - t * seBias, dm + t * seBias],
    loa: [lower, upper],
    loaCi95: { lower: [lower - t * seLoa, lower + t * seLoa], upper: [upper - t * seLoa, upper + t * seLoa] },
    proportionalBias,
    method:
      `Bland–Altman on differences x − y: ${Math.round(coverage * 100)}% limits of agreement bias ± ${z.toFixed(2)}·SD; ` +
      `${pct}% CIs with t(n−1), for the limits with Bland & Altman's (1999) SE SD·√(1/n + z²/(2(n−1))); ` +
      'proportional bias by least-squares regression of the differences on the pair means (t test of the slope, n−2 df)',
  };
}

/** Least-squares slope of the differences on the means, its t test and interval, or why each is undefined. */
function proportionalBiasTest(
  sdd: number,
  smm: number,
  sdm: number,
  dm: number,
  mm: number,
  df: number,
  t2: number,
): BlandAltmanResult['proportionalBias'] {
  const reasons: Reasons = {};
  if (smm === 0) {
    const why = 'the pair means do not vary, so the slope of the differences on them is 0/0';
    for (const key of ['intercept', 'slope', 'se', 't', 'p', 'ci95']) reasons[key] = why;
    return withReasons({ intercept: null, slope: null, se: null, t: null, df, p: null, ci95: null }, reasons);
  }
  const slope = sdm / smm;
  const intercept = dm - slope * mm;
  let rss = Math.max(0, sdd - slope * sdm);
  if (rss <= 1e-12 * sdd) rss = 0;
  const se = Math.sqrt(rss / df / smm);
  if (se > 0) {
    const t = slope / se;
    return { intercept, slope, se, t, df, p: tTwoSidedP(t, df), ci95: [slope - t2 * se, slope + t2 * se] };
  }
  if (sdd === 0) {
    reasons.t = reasons.p = 'the differences do not vary, so the slope is exactly 0 with SE 0 and t is 0/0';
    return withReasons({ intercept, slope: 0, se: 0, t: null, df, p: null, ci95: [0, 0] }, reasons);
  }
  reasons.t =
    'the differences lie exactly on a line in the means (no residual), so the slope has SE 0 and t is infinite (p is 0)';
  return withReasons({ intercept, slope, se: 0, t: null, df, p: 0, ci95: [slope, slope] }, reasons);
}
