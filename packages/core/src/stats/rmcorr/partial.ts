import { correlationTest, fisherInterval } from '../correlation';
import { groupBy, groupMeans } from '../grouping';
import { type Reasons, withReasons } from '../reasons';

export interface PartialRmcorrInput {
  subject: ArrayLike<string | number>;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Covariates, each one value per observation, held constant within subjects as well as across them. */
  controls: ReadonlyArray<ArrayLike<number>>;
}

export interface PartialRmcorrResult {
  r: number | null;
  /** N − k − 1 − q, q the covariates that vary within subjects. */
  df: number | null;
  t: number | null;
  p: number | null;
  ci95: [number, number] | null;
  n: number;
  subjects: number;
  /** Covariates used; one that is constant within subjects or a combination of the others adds nothing. */
  controls: number;
  reasons?: Reasons;
  method: string;
}

const METHOD =
  'partial repeated-measures correlation: x and y centred within subjects, each residualised on the within-subject-centred covariates by least squares; r of the residuals; df = N − k − 1 − q; t test on df; 95% CI by Fisher z with SE 1/√(df − 1)';

/**
 * The within-subject association of x and y with covariates held constant: rmcorr's ANCOVA with the covariates
 * added as common within-subject slopes. With no covariates it is rmcorr itself (same r and df).
 */
export function partialRmcorr(data: PartialRmcorrInput): PartialRmcorrResult {
  const n = data.x.length;
  if (data.y.length !== n || data.subject.length !== n || data.controls.some((c) => c.length !== n))
    throw new RangeError('subject, x, y and every control must have the same length');
  const g = groupBy(data.subject);
  const k = g.levels.length;
  const centre = (v: ArrayLike<number>) => {
    const m = groupMeans(g, v);
    return Float64Array.from({ length: n }, (_, i) => v[i]! - m[g.index[i]!]!);
  };
  // Modified Gram–Schmidt over the centred covariates: an orthonormal basis of what they span within subjects.
  const basis: Float64Array[] = [];
  for (const c of data.controls) {
    const v = centre(c);
    const norm0 = Math.sqrt(dot(v, v));
    for (const b of basis) axpy(v, b, -dot(v, b));
    const norm = Math.sqrt(dot(v, v));
    if (!(norm > 1e-9 * Math.max(1, norm0))) continue;
    for (let i = 0; i < n; i++) v[i]! /= norm;
    basis.push(v);
  }
  const resid = (v: ArrayLike<number>) => {
    const r = centre(v);
    for (const b of basis) axpy(r, b, -dot(r, b));
    return r;
  };
  const rx = resid(data.x);
  const ry = resid(data.y);
  const q = basis.length;
  const df = n - k - 1 - q;
  const reasons: Reasons = {};
  const base = { n, subjects: k, controls: q, method: METHOD };
  if (df < 1) {
    const why = `needs more observations than subjects + covariates + 1 (N = ${n}, k = ${k}, q = ${q})`;
    for (const key of ['r', 'df', 't', 'p', 'ci95']) reasons[key] = why;
    return withReasons({ r: null, df: null, t: null, p: null, ci95: null, ...base }, reasons);
  }
  const sxx = dot(rx, rx);
  const syy = dot(ry, ry);
  if (!(sxx > 1e-12 && syy > 1e-12)) {
    const why = 'x or y does not vary within subjects once the covariates are held constant';
    for (const key of ['r', 't', 'p', 'ci95']) reasons[key] = why;
    return withReasons({ r: null, df, t: null, p: null, ci95: null, ...base }, reasons);
  }
  const raw = dot(rx, ry) / Math.sqrt(sxx * syy);
  const r = 1 - Math.abs(raw) <= 1e-13 ? Math.sign(raw) : Math.max(-1, Math.min(1, raw));
  const { t, p } = correlationTest(r, df, reasons);
  const ci95 = df > 1 ? fisherInterval(r, 1 / Math.sqrt(df - 1)) : null;
  if (!ci95) reasons.ci95 = 'the Fisher-z interval needs df > 1';
  return withReasons({ r, df, t, p, ci95, ...base }, reasons);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function axpy(y: Float64Array, x: ArrayLike<number>, a: number): void {
  for (let i = 0; i < y.length; i++) y[i]! += a * x[i]!;
}
