import { fisherInterval } from '../correlation';
import { fUpperP } from '../distributions';
import { groupBy, groupMeans, type PairedSeries } from '../grouping';
import { type Reasons, withReasons } from '../reasons';

/**
 * Repeated-measures correlation (Bakdash & Marusich 2017): the common within-subject association of x and
 * y, from an ANCOVA with a separate intercept per subject and one common slope. Equivalent to correlating
 * subject-mean-centred values, with the k subject means taken out of the degrees of freedom.
 */

export interface RmcorrResult {
  r: number;
  /** N − k − 1. */
  df: number;
  /** From the ANCOVA F(1, df) for the common slope. */
  p: number;
  ci95: [number, number] | null;
  reasons?: Reasons;
  /** Observations (complete pairs). */
  n: number;
  subjects: number;
  method: string;
}

/** Fisher-z interval for r_rm at the given level, SE 1/√(df − 1) as the rmcorr package computes it. */
export function rmcorrInterval(r: number, df: number, level = 0.95): [number, number] | null {
  return df > 1 ? fisherInterval(r, 1 / Math.sqrt(df - 1), level) : null;
}

export function rmcorr(data: PairedSeries): RmcorrResult {
  const n = data.x.length;
  if (data.y.length !== n || data.subject.length !== n)
    throw new RangeError('subject, x and y must have the same length');
  const g = groupBy(data.subject);
  const k = g.levels.length;
  if (k < 2) throw new RangeError(`rmcorr needs at least two subjects, found ${k}`);
  const df = n - k - 1;
  if (df < 1) throw new RangeError(`rmcorr needs more observations than subjects + 1 (N = ${n}, k = ${k})`);
  const mx = groupMeans(g, data.x);
  const my = groupMeans(g, data.y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const s = g.index[i]!;
    const dx = data.x[i]! - mx[s]!;
    const dy = data.y[i]! - my[s]!;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (!(sxx > 0 && syy > 0)) throw new RangeError('rmcorr is undefined when x or y does not vary within subjects');
  const raw = sxy / Math.sqrt(sxx * syy);
  // Within rounding of ±1 is ±1: the centred values lie exactly on a line.
  const r = 1 - Math.abs(raw) <= 1e-13 ? Math.sign(raw) : Math.max(-1, Math.min(1, raw));
  // ANCOVA: SS(slope) = r²·syy, SS(error) = (1 − r²)·syy, so F = r²·df/(1 − r²).
  const f = (r * r * df) / (1 - r * r);
  const ci95 = rmcorrInterval(r, df);
  return withReasons(
    {
      r,
      df,
      p: Math.abs(r) === 1 ? 0 : fUpperP(f, 1, df),
      ci95,
      n,
      subjects: k,
      method:
        'repeated-measures correlation (Bakdash & Marusich 2017): ANCOVA with subject intercepts and a common slope; df = N − k − 1; p from F(1, df); 95% CI by Fisher z with SE 1/√(df − 1)',
    },
    ci95 ? {} : { ci95: 'the Fisher-z interval needs df = N − k − 1 > 1' },
  );
}
export * from './partial';
