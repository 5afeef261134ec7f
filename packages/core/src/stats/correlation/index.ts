import { normalQuantile, tTwoSidedP } from '../distributions';

/**
 * Pearson and Spearman correlations over paired observations, with Fisher-z confidence intervals and
 * t-test p-values. Over repeated sessions a pooled correlation mixes within- and between-client effects:
 * callers report it beside rmcorr and the within/between decomposition, never alone.
 */

export interface CorrelationResult {
  r: number;
  /** Fisher-z interval; null when n < 4 (the interval needs n − 3 > 0). */
  ci95: [number, number] | null;
  n: number;
  df: number;
  t: number;
  p: number;
  method: string;
}

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

function clampR(r: number): number {
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

function tTest(r: number, df: number): { t: number; p: number } {
  const t = r * Math.sqrt(df / (1 - r * r));
  return { t, p: Math.abs(r) === 1 ? 0 : tTwoSidedP(t, df) };
}

/** Pearson correlation as R's cor.test: t on n − 2 df; CI tanh(atanh r ± z/√(n − 3)). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): CorrelationResult {
  const n = check(x, y);
  const r = pearsonR(x, y);
  if (Number.isNaN(r)) throw new RangeError('a correlation is undefined when x or y does not vary');
  const df = n - 2;
  return {
    r,
    ci95: n > 3 ? fisherInterval(r, 1 / Math.sqrt(n - 3)) : null,
    n,
    df,
    ...tTest(r, df),
    method: 'Pearson product-moment correlation; t-test on n − 2 df; 95% CI by Fisher z, SE 1/√(n − 3)',
  };
}

/**
 * Spearman's rho: Pearson r of average ranks. p from the t approximation on n − 2 df (R's cor.test with
 * exact = FALSE; session scores usually tie, where R's exact test does not apply either). The Fisher-z CI
 * uses Bonett & Wright's (2000) SE √((1 + rho²/2)/(n − 3)), which keeps coverage near nominal for rho.
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): CorrelationResult {
  const n = check(x, y);
  const r = pearsonR(averageRanks(x), averageRanks(y));
  if (Number.isNaN(r)) throw new RangeError('a correlation is undefined when x or y does not vary');
  const df = n - 2;
  return {
    r,
    ci95: n > 3 ? fisherInterval(r, Math.sqrt((1 + (r * r) / 2) / (n - 3))) : null,
    n,
    df,
    ...tTest(r, df),
    method:
      "Spearman's rank correlation (average ranks for ties); t approximation on n − 2 df (cor.test exact = FALSE); 95% CI by Fisher z with Bonett–Wright SE √((1 + ρ²/2)/(n − 3))",
  };
}
