import { normalQuantile, tTwoSidedP } from '../distributions';
import { type Reasons, withReasons } from '../reasons';

/**
 * Pearson and Spearman correlations over paired observations, with Fisher-z confidence intervals and
 * t-test p-values. Over repeated sessions a pooled correlation mixes within- and between-client effects:
 * callers report it beside rmcorr and the within/between decomposition, never alone.
 */

/**
 * A correlation with its test and interval. Pearson and Spearman always define r, df and p (they refuse data
 * where r is undefined); a field of a within/between part can be null, and any null field is named in
 * `reasons` with why.
 */
export interface CorrelationResult {
  r: number | null;
  /** Fisher-z interval; null when n < 4 (the interval needs n − 3 > 0). */
  ci95: [number, number] | null;
  n: number;
  df: number | null;
  /** null when r = ±1 (t is infinite; p is then 0). */
  t: number | null;
  p: number | null;
  reasons?: Reasons;
  method: string;
}

/** The t test of a correlation on df degrees of freedom; r = ±1 makes t infinite, so it is null and p is 0. */
export function correlationTest(r: number, df: number, reasons: Reasons): { t: number | null; p: number } {
  if (Math.abs(r) === 1) {
    reasons.t = 'r = ±1, so t = r·√(df/(1 − r²)) is infinite (p is 0)';
    return { t: null, p: 0 };
  }
  const t = r * Math.sqrt(df / (1 - r * r));
  return { t, p: tTwoSidedP(t, df) };
}

/** Why a Fisher-z interval on `size` (n or k) is missing. */
export const FISHER_CI_REASON = (size: string) => `the Fisher-z interval needs ${size} − 3 > 0, that is at least 4`;

/** What pearson and spearman return: r, df and p always defined. */
export type DefinedCorrelation = CorrelationResult & { r: number; df: number; p: number };

/** tanh(atanh(r) ± z·se): the Fisher-z interval for a correlation at the given level. */
export function fisherInterval(r: number, se: number, level = 0.95): [number, number] {
  const z = normalQuantile(1 - (1 - level) / 2);
  const center = Math.atanh(r);
  return [Math.tanh(center - z * se), Math.tanh(center + z * se)];
}

/** Pearson r of two equal-length arrays; NaN when either has no variance. */
export function pearsonR(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`x has ${n} values but y has ${y.length}`);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? clampR(sxy / Math.sqrt(sxx * syy)) : NaN;
}

/** r within rounding of ±1 is ±1: x and y lie exactly on a line, and a t of 1e8 from 1 − 1e-16 would be noise. */
function clampR(r: number): number {
  if (1 - Math.abs(r) <= 1e-13) return Math.sign(r);
  return Math.max(-1, Math.min(1, r));
}

/** Ranks 1..n with ties given their average rank (R's rank(ties.method = "average")). */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && x[order[j + 1]!] === x[order[i]!]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = avg;
    i = j + 1;
  }
  return ranks;
}

function check(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`x has ${n} values but y has ${y.length}`);
  if (n < 3) throw new RangeError(`a correlation test needs at least 3 pairs, found ${n}`);
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!))
      throw new RangeError(`pair ${i + 1} is not a pair of finite numbers`);
  return n;
}

/** Pearson correlation as R's cor.test: t on n − 2 df; CI tanh(atanh r ± z/√(n − 3)). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): DefinedCorrelation {
  const n = check(x, y);
  const r = pearsonR(x, y);
  if (Number.isNaN(r)) throw new RangeError('a correlation is undefined when x or y does not vary');
  const df = n - 2;
  const reasons: Reasons = {};
  if (n <= 3) reasons.ci95 = FISHER_CI_REASON('n');
  return withReasons(
    {
      r,
      ci95: n > 3 ? fisherInterval(r, 1 / Math.sqrt(n - 3)) : null,
      n,
      df,
      ...correlationTest(r, df, reasons),
      method: 'Pearson product-moment correlation; t-test on n − 2 df; 95% CI by Fisher z, SE 1/√(n − 3)',
    },
    reasons,
  );
}

/**
 * Spearman's rho: Pearson r of average ranks. p from the t approximation on n − 2 df (R's cor.test with
 * exact = FALSE; session scores usually tie, where R's exact test does not apply either). The Fisher-z CI
 * uses Bonett & Wright's (2000) SE √((1 + rho²/2)/(n − 3)), which keeps coverage near nominal for rho.
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): DefinedCorrelation {
  const n = check(x, y);
  const r = pearsonR(averageRanks(x), averageRanks(y));
  if (Number.isNaN(r)) throw new RangeError('a correlation is undefined when x or y does not vary');
  const df = n - 2;
  const reasons: Reasons = {};
  if (n <= 3) reasons.ci95 = FISHER_CI_REASON('n');
  return withReasons(
    {
      r,
      ci95: n > 3 ? fisherInterval(r, Math.sqrt((1 + (r * r) / 2) / (n - 3))) : null,
      n,
      df,
      ...correlationTest(r, df, reasons),
      method:
        "Spearman's rank correlation (average ranks for ties); t approximation on n − 2 df (cor.test exact = FALSE); 95% CI by Fisher z with Bonett–Wright SE √((1 + ρ²/2)/(n − 3))",
    },
    reasons,
  );
}
