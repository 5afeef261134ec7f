/**
 * Numerical derivatives by central differences with Richardson extrapolation, following R's numDeriv
 * (Gilbert & Varadhan): same step rule (d·|x|, or eps where x is near zero), four halvings, same
 * extrapolation. Keeping numDeriv's scheme makes quantities built on these derivatives (lmerTest's
 * Satterthwaite degrees of freedom) reproduce R's to many digits, not only the exact derivative's.
 */

export interface RichardsonOptions {
  /** Relative step. numDeriv uses 1e-4 for gradients and Jacobians, 0.1 for Hessians. */
  d?: number;
  /** Absolute step where |x| < zeroTol. */
  eps?: number;
  zeroTol?: number;
  /** Number of halvings extrapolated over. */
  r?: number;
}

const ZERO_TOL = Math.sqrt(2.220446049250313e-16 / 7e-7);

function steps(x: ArrayLike<number>, d: number, eps: number, zeroTol: number): Float64Array {
  const h = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) h[i] = Math.abs(d * x[i]!) + (Math.abs(x[i]!) < zeroTol ? eps : 0);
  return h;
}

/** Richardson extrapolation of a sequence computed at steps h, h/2, h/4, ... (error O(h²) terms removed). */
function extrapolate(a: Float64Array[], r: number): Float64Array {
  for (let m = 1; m < r; m++) {
    const f = 4 ** m;
    for (let k = 0; k < r - m; k++) {
      const ak = a[k]!;
      const ak1 = a[k + 1]!;
      for (let c = 0; c < ak.length; c++) ak[c] = (ak1[c]! * f - ak[c]!) / (f - 1);
    }
  }
  return a[0]!;
}

function shifted(x: ArrayLike<number>, i: number, hi: number, j = -1, hj = 0): number[] {
  const y = Array.from(x);
  y[i]! += hi;
  if (j >= 0) y[j]! += hj;
  return y;
}

/** Gradient of a scalar function (numDeriv::grad, method "Richardson"). */
export function gradient(f: (x: number[]) => number, x: ArrayLike<number>, opts: RichardsonOptions = {}): Float64Array {
  const jac = jacobian((v) => [f(v)], x, opts);
  return jac[0]!;
}

/**
 * Jacobian of a vector function: row c holds the derivatives of output c (numDeriv::jacobian, method
 * "Richardson").
 */
export function jacobian(
  f: (x: number[]) => ArrayLike<number>,
  x: ArrayLike<number>,
  opts: RichardsonOptions = {},
): Float64Array[] {
  const { d = 1e-4, eps = 1e-4, zeroTol = ZERO_TOL, r = 4 } = opts;
  const n = x.length;
  const h = steps(x, d, eps, zeroTol);
  const m = f(Array.from(x)).length;
  const cols: Float64Array[][] = Array.from({ length: n }, () => []);
  for (let k = 0; k < r; k++) {
    for (let i = 0; i < n; i++) {
      const up = f(shifted(x, i, h[i]!));
      const down = f(shifted(x, i, -h[i]!));
      const a = new Float64Array(m);
      for (let c = 0; c < m; c++) a[c] = (up[c]! - down[c]!) / (2 * h[i]!);
      cols[i]!.push(a);
    }
    for (let i = 0; i < n; i++) h[i]! /= 2;
  }
  const out = Array.from({ length: m }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const col = extrapolate(cols[i]!, r);
    for (let c = 0; c < m; c++) out[c]![i] = col[c]!;
  }
  return out;
}

/** Hessian of a scalar function (numDeriv::hessian via genD, method "Richardson"), as rows. */
export function hessian(f: (x: number[]) => number, x: ArrayLike<number>, opts: RichardsonOptions = {}): number[][] {
  const { d = 0.1, eps = 1e-4, zeroTol = ZERO_TOL, r = 4 } = opts;
  const n = x.length;
  const f0 = f(Array.from(x));
  const h0 = steps(x, d, eps, zeroTol);
  const diag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const seq: Float64Array[] = [];
    let h = h0[i]!;
    for (let k = 0; k < r; k++) {
      const f1 = f(shifted(x, i, h));
      const f2 = f(shifted(x, i, -h));
      seq.push(Float64Array.of((f1 - 2 * f0 + f2) / (h * h)));
      h /= 2;
    }
    diag[i] = extrapolate(seq, r)[0]!;
  }
  const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    H[i]![i] = diag[i]!;
    for (let j = 0; j < i; j++) {
      const seq: Float64Array[] = [];
      let hi = h0[i]!;
      let hj = h0[j]!;
      for (let k = 0; k < r; k++) {
        const f1 = f(shifted(x, i, hi, j, hj));
        const f2 = f(shifted(x, i, -hi, j, -hj));
        seq.push(Float64Array.of((f1 - 2 * f0 + f2 - diag[i]! * hi * hi - diag[j]! * hj * hj) / (2 * hi * hj)));
        hi /= 2;
        hj /= 2;
      }
      H[i]![j] = H[j]![i] = extrapolate(seq, r)[0]!;
    }
  }
  return H;
}
