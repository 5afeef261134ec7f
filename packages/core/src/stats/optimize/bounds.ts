/** What the box-constrained optimisers share: the box, its checks, and the shape of a result. */

export interface Bounds {
  /** Per-variable lower bounds; -Infinity (the default) for none. */
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
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

export function boundsOf(n: number, b: Bounds): { lo: Float64Array; hi: Float64Array } {
  const lo = new Float64Array(n).fill(-Infinity);
  const hi = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < n; i++) {
    if (b.lower) lo[i] = b.lower[i]!;
    if (b.upper) hi[i] = b.upper[i]!;
    if (lo[i]! > hi[i]!) throw new RangeError(`lower bound ${lo[i]} exceeds upper bound ${hi[i]} for variable ${i}`);
  }
  return { lo, hi };
}

export function clampInto(x: Float64Array, lo: Float64Array, hi: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) x[i] = Math.min(hi[i]!, Math.max(lo[i]!, x[i]!));
  return x;
}
