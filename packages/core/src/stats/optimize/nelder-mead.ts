import { boundsOf, clampInto, type Bounds, type MinimizeResult } from './bounds';

export interface NelderMeadOptions extends Bounds {
  /** Stop when the simplex's function values span less than this (absolute). */
  fTol?: number;
  /** ... and its vertices lie within this of the best one, per coordinate. */
  xTol?: number;
  maxEvaluations?: number;
  /** Initial simplex edge, per coordinate; default 10% of |x0| or 0.1. */
  initialStep?: ArrayLike<number>;
}

/**
 * Nelder–Mead simplex minimisation with points projected into the box (as lme4's Nelder_Mead does with its
 * bounds). Derivative-free, so it tolerates kinks and noise; slower to converge finely than BFGS.
 */
export function nelderMead(
  f: (x: number[]) => number,
  x0: ArrayLike<number>,
  opts: NelderMeadOptions = {},
): MinimizeResult {
  const n = x0.length;
  const { lo, hi } = boundsOf(n, opts);
  const fTol = opts.fTol ?? 1e-12;
  const xTol = opts.xTol ?? 1e-10;
  const maxEvaluations = opts.maxEvaluations ?? 1000 * n;
  let evaluations = 0;
  const fc = (x: Float64Array) => {
    evaluations++;
    const v = f(Array.from(x));
    return Number.isNaN(v) ? Infinity : v;
  };
  const start = clampInto(Float64Array.from(x0), lo, hi);
  const pts: Float64Array[] = [start];
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(start);
    const step = opts.initialStep ? opts.initialStep[i]! : start[i] !== 0 ? 0.1 * Math.abs(start[i]!) : 0.1;
    p[i] = p[i]! + step;
    if (p[i]! > hi[i]!) p[i] = start[i]! - step;
    pts.push(clampInto(p, lo, hi));
  }
  let vals = pts.map(fc);
  let iterations = 0;
  let converged = false;
  while (evaluations < maxEvaluations) {
    iterations++;
    const order = vals.map((_v, i) => i).sort((a, b) => vals[a]! - vals[b]!);
    const P = order.map((i) => pts[i]!);
    const V = order.map((i) => vals[i]!);
    pts.splice(0, pts.length, ...P);
    vals = V;
    const spreadF = vals[n]! - vals[0]!;
    let spreadX = 0;
    for (let k = 1; k <= n; k++)
      for (let i = 0; i < n; i++) spreadX = Math.max(spreadX, Math.abs(pts[k]![i]! - pts[0]![i]!));
    if (spreadF <= fTol && spreadX <= xTol * Math.max(1, Math.max(...Array.from(pts[0]!, Math.abs)))) {
      converged = true;
      break;
    }
    const centroid = new Float64Array(n);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i]! += pts[k]![i]! / n;
    const along = (t: number) =>
      clampInto(
        Float64Array.from(centroid, (c, i) => c + t * (pts[n]![i]! - c)),
        lo,
        hi,
      );
    const xr = along(-1);
    const fr = fc(xr);
    if (fr < vals[0]!) {
      const xe = along(-2);
      const fe = fc(xe);
      if (fe < fr) {
        pts[n] = xe;
        vals[n] = fe;
      } else {
        pts[n] = xr;
        vals[n] = fr;
      }
      continue;
    }
    if (fr < vals[n - 1]!) {
      pts[n] = xr;
      vals[n] = fr;
      continue;
    }
    const outside = fr < vals[n]!;
    const xc = along(outside ? -0.5 : 0.5);
    const fcv = fc(xc);
    if (fcv < (outside ? fr : vals[n]!)) {
      pts[n] = xc;
      vals[n] = fcv;
      continue;
    }
    for (let k = 1; k <= n; k++) {
      pts[k] = clampInto(
        Float64Array.from(pts[k]!, (v, i) => pts[0]![i]! + 0.5 * (v - pts[0]![i]!)),
        lo,
        hi,
      );
      vals[k] = fc(pts[k]!);
    }
  }
  let best = 0;
  for (let k = 1; k <= n; k++) if (vals[k]! < vals[best]!) best = k;
  return {
    x: Array.from(pts[best]!),
    value: vals[best]!,
    iterations,
    evaluations,
    converged,
    projectedGradient: NaN,
    message: converged ? 'simplex collapsed below tolerance' : 'evaluation limit reached',
  };
}
