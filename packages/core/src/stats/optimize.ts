/**
 * Box-constrained minimisation of smooth functions of a few variables (variance parameters, likelihoods).
 *
 * `minimizeBounded` is a projected quasi-Newton method: BFGS on the variables not held at a bound, with a
 * projected Armijo line search, so parameters such as a standard deviation can sit exactly on zero. When it
 * stalls before the projected gradient is small (a poorly scaled or flat surface), it restarts from a
 * bounded Nelder–Mead pass, then polishes again.
 */

export interface Bounds {
  /** Per-variable lower bounds; -Infinity (the default) for none. */
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
}

export interface MinimizeOptions extends Bounds {
  /** Analytic gradient; central differences otherwise. */
  gradient?: (x: number[]) => ArrayLike<number>;
  /** Stop when every component of the projected gradient is below this (scaled by max(1, |f|)). */
  gradTol?: number;
  /** Stop when an iteration improves f by less than this, relative to max(1, |f|), twice in a row. */
  fTol?: number;
  maxIterations?: number;
}

export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** Largest projected-gradient component at the solution. */
  projectedGradient: number;
  message: string;
}

function boundsOf(n: number, b: Bounds): { lo: Float64Array; hi: Float64Array } {
  const lo = new Float64Array(n).fill(-Infinity);
  const hi = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < n; i++) {
    if (b.lower) lo[i] = b.lower[i]!;
    if (b.upper) hi[i] = b.upper[i]!;
    if (lo[i]! > hi[i]!) throw new RangeError(`lower bound ${lo[i]} exceeds upper bound ${hi[i]} for variable ${i}`);
  }
  return { lo, hi };
}

function clampInto(x: Float64Array, lo: Float64Array, hi: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) x[i] = Math.min(hi[i]!, Math.max(lo[i]!, x[i]!));
  return x;
}

/** Central differences, one-sided where a bound is within the step. */
function numericGradient(
  f: (x: number[]) => number,
  x: Float64Array,
  fx: number,
  lo: Float64Array,
  hi: Float64Array,
): Float64Array {
  const n = x.length;
  const g = new Float64Array(n);
  const y = Array.from(x);
  for (let i = 0; i < n; i++) {
    const h = 1e-6 * Math.max(1, Math.abs(x[i]!));
    const xi = x[i]!;
    if (xi - h >= lo[i]! && xi + h <= hi[i]!) {
      y[i] = xi + h;
      const fp = f(y);
      y[i] = xi - h;
      const fm = f(y);
      g[i] = (fp - fm) / (2 * h);
    } else if (xi + h <= hi[i]!) {
      y[i] = xi + h;
      const f1 = f(y);
      y[i] = xi + 2 * h;
      const f2 = f(y);
      g[i] = (-3 * fx + 4 * f1 - f2) / (2 * h);
    } else {
      y[i] = xi - h;
      const f1 = f(y);
      y[i] = xi - 2 * h;
      const f2 = f(y);
      g[i] = (3 * fx - 4 * f1 + f2) / (2 * h);
    }
    y[i] = xi;
  }
  return g;
}

/** Minimises f over a box. See the file comment for the method. */
export function minimizeBounded(
  f: (x: number[]) => number,
  x0: ArrayLike<number>,
  opts: MinimizeOptions = {},
): MinimizeResult {
  const n = x0.length;
  const { lo, hi } = boundsOf(n, opts);
  const gradTol = opts.gradTol ?? 1e-7;
  const fTol = opts.fTol ?? 1e-14;
  const maxIterations = opts.maxIterations ?? 500;
  let evaluations = 0;
  const fc = (x: ArrayLike<number>) => {
    evaluations++;
    const v = f(Array.from(x));
    return Number.isNaN(v) ? Infinity : v;
  };
  const grad = (x: Float64Array, fx: number) =>
    opts.gradient ? Float64Array.from(opts.gradient(Array.from(x))) : numericGradient(fc, x, fx, lo, hi);

  let x = clampInto(Float64Array.from(x0), lo, hi);
  let fx = fc(x);
  if (!Number.isFinite(fx)) throw new RangeError('the objective is not finite at the starting point');
  let g = grad(x, fx);
  let H = identityArray(n);
  let iterations = 0;
  let smallSteps = 0;
  let restarted = false;
  let message = 'projected gradient below tolerance';

  const projected = (xv: Float64Array, gv: Float64Array) => {
    const pg = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const atLo = xv[i]! <= lo[i]! && gv[i]! > 0;
      const atHi = xv[i]! >= hi[i]! && gv[i]! < 0;
      pg[i] = atLo || atHi ? 0 : gv[i]!;
    }
    return pg;
  };
  const maxAbs = (v: Float64Array) => v.reduce((m, e) => Math.max(m, Math.abs(e)), 0);

  // A point on (or next to) a bound can satisfy the projected-gradient test without being a minimum: when
  // f is even about the bound, as a deviance is in a standard deviation, the gradient there is zero even if
  // f falls away inside. Probing a little inside each bound-held variable finds such saddles; descent then
  // resumes from the better point.
  const probeBounds = (): { x: Float64Array; f: number } | null => {
    for (let i = 0; i < n; i++) {
      const nearLo = Number.isFinite(lo[i]!) && x[i]! - lo[i]! <= 1e-4 * Math.max(1, Math.abs(lo[i]!));
      const nearHi = Number.isFinite(hi[i]!) && hi[i]! - x[i]! <= 1e-4 * Math.max(1, Math.abs(hi[i]!));
      if (!nearLo && !nearHi) continue;
      for (const delta of [1e-3, 1e-2, 1e-1]) {
        const y = Float64Array.from(x);
        y[i] = nearLo ? lo[i]! + delta * Math.max(1, Math.abs(lo[i]!)) : hi[i]! - delta * Math.max(1, Math.abs(hi[i]!));
        if (y[i]! < lo[i]! || y[i]! > hi[i]!) continue;
        const fy = fc(y);
        if (fy < fx - 1e-12 * Math.max(1, Math.abs(fx))) return { x: y, f: fy };
      }
    }
    return null;
  };

  for (let probes = 0; ; probes++) {
    for (; iterations < maxIterations; iterations++) {
      const pg = projected(x, g);
      if (maxAbs(pg) <= gradTol * Math.max(1, Math.abs(fx))) break;
      const free = Array.from(pg, (v, i) => v !== 0 || (x[i]! > lo[i]! && x[i]! < hi[i]!));
      let d = direction(H, g, free);
      if (!(dot(g, d) < 0)) {
        H = identityArray(n);
        d = direction(H, g, free);
      }
      const step = lineSearch(fc, x, fx, g, d, lo, hi);
      if (!step) {
        if (!isIdentity(H)) {
          H = identityArray(n);
          iterations--;
          continue;
        }
        if (!restarted) {
          // A stall with a non-small gradient: scale or curvature defeats the line search; Nelder–Mead does
          // not need either, and BFGS then polishes from where it ends.
          restarted = true;
          const nm = nelderMead((v) => fc(v), Array.from(x), { lower: lo, upper: hi, maxEvaluations: 2000 * n });
          if (nm.value < fx) {
            x = Float64Array.from(nm.x);
            fx = nm.value;
            g = grad(x, fx);
          }
          H = identityArray(n);
          continue;
        }
        message = 'line search could not reduce the objective further';
        break;
      }
      const s = new Float64Array(n);
      for (let i = 0; i < n; i++) s[i] = step.x[i]! - x[i]!;
      const gNew = grad(step.x, step.f);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) y[i] = gNew[i]! - g[i]!;
      const improvement = fx - step.f;
      const hitBound = Array.from(step.x).some(
        (v, i) => (v <= lo[i]! || v >= hi[i]!) && !(x[i]! <= lo[i]! || x[i]! >= hi[i]!),
      );
      x = step.x;
      fx = step.f;
      g = gNew;
      if (hitBound) H = identityArray(n);
      else {
        // First curvature information: scale the identity to it (Shanno–Phua) before the update, so the next
        // unit step is about the right length.
        const sy = dot(s, y);
        const yy = dot(y, y);
        if (isIdentity(H) && sy > 0 && yy > 0) for (let i = 0; i < n; i++) H[i]![i] = sy / yy;
        bfgsUpdate(H, s, y);
      }
      if (improvement <= fTol * Math.max(1, Math.abs(fx))) {
        if (++smallSteps >= 2) {
          message = 'relative reduction of the objective below tolerance';
          break;
        }
      } else smallSteps = 0;
    }
    if (iterations >= maxIterations || probes >= 5) break;
    const better = probeBounds();
    if (!better) break;
    x = better.x;
    fx = better.f;
    g = grad(x, fx);
    H = identityArray(n);
    smallSteps = 0;
    message = 'projected gradient below tolerance';
  }
  const pgFinal = maxAbs(projected(x, g));
  const converged = iterations < maxIterations && pgFinal <= Math.max(gradTol, 1e-4) * Math.max(1, Math.abs(fx));
  if (iterations >= maxIterations) message = 'iteration limit reached';
  return { x: Array.from(x), value: fx, iterations, evaluations, converged, projectedGradient: pgFinal, message };
}

function identityArray(n: number): Float64Array[] {
  return Array.from({ length: n }, (_, i) => {
    const r = new Float64Array(n);
    r[i] = 1;
    return r;
  });
}

function isIdentity(H: Float64Array[]): boolean {
  return H.every((row, i) => row.every((v, j) => v === (i === j ? 1 : 0)));
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function direction(H: Float64Array[], g: Float64Array, free: boolean[]): Float64Array {
  const n = g.length;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!free[i]) continue;
    let s = 0;
    for (let j = 0; j < n; j++) if (free[j]) s += H[i]![j]! * g[j]!;
    d[i] = -s;
  }
  return d;
}

function lineSearch(
  f: (x: ArrayLike<number>) => number,
  x: Float64Array,
  fx: number,
  g: Float64Array,
  d: Float64Array,
  lo: Float64Array,
  hi: Float64Array,
): { x: Float64Array; f: number } | null {
  const n = x.length;
  let alpha = 1;
  for (let k = 0; k < 60; k++) {
    const xn = clampInto(
      Float64Array.from(x, (v, i) => v + alpha * d[i]!),
      lo,
      hi,
    );
    let moved = 0;
    let predicted = 0;
    for (let i = 0; i < n; i++) {
      moved = Math.max(moved, Math.abs(xn[i]! - x[i]!));
      predicted += g[i]! * (xn[i]! - x[i]!);
    }
    if (moved === 0) return null;
    const fn = f(xn);
    // Armijo on the projected step: the predicted decrease uses the step actually taken.
    if (fn < fx && fn <= fx + 1e-4 * predicted) return { x: xn, f: fn };
    alpha /= 2;
  }
  return null;
}

function bfgsUpdate(H: Float64Array[], s: Float64Array, y: Float64Array): void {
  const n = s.length;
  const sy = dot(s, y);
  if (!(sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y)))) return;
  const Hy = new Float64Array(n);
  for (let i = 0; i < n; i++) Hy[i] = dot(H[i]!, y);
  const yHy = dot(y, Hy);
  const rho = 1 / sy;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      H[i]![j] = H[i]![j]! - rho * (Hy[i]! * s[j]! + s[i]! * Hy[j]!) + (rho * rho * yHy + rho) * s[i]! * s[j]!;
    }
  }
}

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
