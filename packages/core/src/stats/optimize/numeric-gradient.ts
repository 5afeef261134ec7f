/** Central differences, one-sided where a bound is within the step. */
export function numericGradient(
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
