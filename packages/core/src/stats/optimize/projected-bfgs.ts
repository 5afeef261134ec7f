/**
 * Box-constrained minimisation of smooth functions of a few variables (variance parameters, likelihoods).
 *
 * `minimizeBounded` is a projected quasi-Newton method: BFGS on the variables not held at a bound, with a
 * projected Armijo line search, so parameters such as a standard deviation can sit exactly on zero. When it
 * stalls before the projected gradient is small (a poorly scaled or flat surface), it restarts from a
 * bounded Nelder–Mead pass, then polishes again.
 */

import { boundsOf, clampInto, type Bounds, type MinimizeResult } from './bounds';
import { nelderMead } from './nelder-mead';
import { numericGradient } from './numeric-gradient';

export interface MinimizeOptions extends Bounds {
  /** Analytic gradient; central differences otherwise. */
  gradient?: (x: number[]) => ArrayLike<number>;
  /** Stop when every component of the projected gradient is below this (scaled by max(1, |f|)). */
  gradTol?: number;
  /** Stop when an iteration improves f by less than this, relative to max(1, |f|), twice in a row. */
  fTol?: number;
  maxIterations?: number;
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
