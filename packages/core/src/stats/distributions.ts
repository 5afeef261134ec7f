/**
 * Distribution functions for p-values and confidence intervals: normal, t, F, chi-square, via the regularized
 * incomplete beta and gamma functions. Accurate to about 1e-12 over the ranges statistics use, so results can
 * be checked against R's pt/qt/pf/qf to the precision the goldens require.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-15;
const FPMIN = 1e-300;

/** Continued fraction for the incomplete beta (modified Lentz). */
function betacf(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lbt = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lbt) * betacf(a, b, x)) / a;
  return 1 - (Math.exp(lbt) * betacf(b, a, 1 - x)) / b;
}

/** Inverse of the regularized incomplete beta: x with I_x(a, b) = p. */
export function inverseIncompleteBeta(p: number, a: number, b: number): number {
  return solveBeta(p, 1 - p, a, b).x;
}

/**
 * Solves I_x(a, b) = p, given both p and q = 1 − p so that neither tail loses digits, and returns x and
 * y = 1 − x each to full relative precision: quantiles such as t with large df need y ≈ t²/df, which
 * 1 − x would cancel away. The iteration runs on whichever of x and y is below 1/2 (using I_y(b, a) = q for y)
 * and matches whichever of p and q is smaller, evaluating that tail directly.
 */
function solveBeta(p: number, q: number, a: number, b: number): { x: number; y: number } {
  // Degenerate inputs (an approximate df that came out NaN or ≤ 0) have no quantile; say so without iterating.
  if (!(a > 0 && b > 0 && a < Infinity && b < Infinity) || Number.isNaN(p) || Number.isNaN(q))
    return { x: NaN, y: NaN };
  if (p <= 0) return { x: 0, y: 1 };
  if (q <= 0) return { x: 1, y: 0 };
  // I_{1/2}(a, b) ≥ p means the root lies at or below 1/2.
  if (incompleteBeta(0.5, a, b) >= p) {
    const x = solveSmallRoot(p, q, a, b);
    return { x, y: 1 - x };
  }
  const y = solveSmallRoot(q, p, b, a);
  return { x: 1 - y, y };
}

/** Both tails of the beta(a, b) distribution at z, the one the continued fraction gives directly exact. */
function betaTails(z: number, a: number, b: number): { lower: number; upper: number } {
  const w = 1 - z;
  const lbt = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(z) + b * Math.log(w);
  if (z < (a + 1) / (a + b + 2)) {
    const lower = (Math.exp(lbt) * betacf(a, b, z)) / a;
    return { lower, upper: 1 - lower };
  }
  const upper = (Math.exp(lbt) * betacf(b, a, w)) / b;
  return { lower: 1 - upper, upper };
}

/**
 * Root z ≤ 1/2 of I_z(a, b) = p (q = 1 − p): Newton steps with Halley's correction when it is well behaved,
 * inside a bracket that bisection (geometric when the bracket spans decades) falls back to. The Halley factor
 * is only used within [1/2, 2]: far from the root it can shrink the step to nothing and stall the iteration on
 * a point that is not a root, which is what the unguarded Numerical Recipes form did for large a.
 */
function solveSmallRoot(p: number, q: number, a: number, b: number): number {
  let lo = 0;
  let hi = 0.5;
  let x = initialBetaGuess(p, a, b);
  if (!(x > 0 && x < 0.5)) x = 0.25;
  const logBeta = logGamma(a) + logGamma(b) - logGamma(a + b);
  const useLower = p <= q;
  for (let j = 0; j < 400; j++) {
    const tails = betaTails(x, a, b);
    const err = useLower ? tails.lower - p : q - tails.upper;
    if (err === 0) return x;
    if (err < 0) lo = x;
    else hi = x;
    let next = NaN;
    const density = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta);
    if (Number.isFinite(density) && density > 0) {
      let step = err / density;
      const c = 1 - 0.5 * step * ((a - 1) / x - (b - 1) / (1 - x));
      if (c >= 0.5 && c <= 2) step /= c;
      next = x - step;
    }
    if (!(next > lo && next < hi))
      next = lo > 0 && hi / lo > 16 ? Math.sqrt(lo * hi) : lo === 0 && hi > 1e-300 ? hi / 16 : (lo + hi) / 2;
    if (Math.abs(next - x) <= 2e-16 * next || hi - lo <= 2e-16 * hi) return next;
    x = next;
  }
  return x;
}

/** Starting point for the inverse incomplete beta (Numerical Recipes 3rd ed., invbetai). */
function initialBetaGuess(p: number, a: number, b: number): number {
  if (a >= 1 && b >= 1) {
    const pp = p < 0.5 ? p : 1 - p;
    const t = Math.sqrt(-2 * Math.log(pp));
    let z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
    if (p < 0.5) z = -z;
    const al = (z * z - 3) / 6;
    const h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    const w = (z * Math.sqrt(al + h)) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5 / 6 - 2 / (3 * h));
    return a / (a + b * Math.exp(2 * w));
  }
  const lna = Math.log(a / (a + b));
  const lnb = Math.log(b / (a + b));
  const t = Math.exp(a * lna) / a;
  const u = Math.exp(b * lnb) / b;
  const w = t + u;
  return p < t / w ? (a * w * p) ** (1 / a) : 1 - (b * w * (1 - p)) ** (1 / b);
}

/** Regularized lower incomplete gamma P(a, x). */
export function incompleteGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const gln = logGamma(a);
  if (x < a + 1) {
    let ap = a;
    let sum = 1 / a;
    let del = sum;
    for (let n = 0; n < 10000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    return sum * Math.exp(-x + a * Math.log(x) - gln);
  }
  return 1 - incompleteGammaQcf(a, x, gln);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), computed directly where P is near 1. */
export function incompleteGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) return 1 - incompleteGammaP(a, x);
  return incompleteGammaQcf(a, x, logGamma(a));
}

function incompleteGammaQcf(a: number, x: number, gln: number): number {
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - gln) * h;
}

/** Standard normal CDF, accurate in both tails. */
export function normalCdf(z: number): number {
  if (z === 0) return 0.5;
  const q = 0.5 * incompleteGammaQ(0.5, (z * z) / 2);
  return z > 0 ? 1 - q : q;
}

/** Standard normal quantile (Acklam's approximation refined by one Halley step). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  // 1 − p is exact for p ≥ 1/2, and the refinement below is accurate only where normalCdf is: the lower tail.
  if (p > 0.5) return -normalQuantile(1 - p);
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
    2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const plow = 0.02425;
  let x: number;
  if (p < plow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - plow) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  for (let i = 0; i < 2; i++) {
    const e = normalCdf(x) - p;
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    x = x - u / (1 + (x * u) / 2);
  }
  return x;
}

/** Student t CDF with df degrees of freedom (df may be fractional, as with Satterthwaite). */
export function tCdf(t: number, df: number): number {
  if (!Number.isFinite(df)) return normalCdf(t);
  const x = df / (df + t * t);
  const tail = 0.5 * incompleteBeta(x, df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** Two-sided p-value for a t statistic. */
export function tTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(df)) return 2 * normalCdf(-Math.abs(t));
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

export function tQuantile(p: number, df: number): number {
  if (!Number.isFinite(df)) return normalQuantile(p);
  if (p === 0.5) return 0;
  const tail = p < 0.5 ? p : 1 - p;
  const { x, y } = solveBeta(2 * tail, 1 - 2 * tail, df / 2, 0.5);
  const t = Math.sqrt((df * y) / x);
  return p < 0.5 ? -t : t;
}

/** F distribution CDF. */
export function fCdf(f: number, df1: number, df2: number): number {
  if (f <= 0) return 0;
  return incompleteBeta((df1 * f) / (df1 * f + df2), df1 / 2, df2 / 2);
}

/** Upper tail P(F > f), computed without cancellation for small p. */
export function fUpperP(f: number, df1: number, df2: number): number {
  if (f <= 0) return 1;
  return incompleteBeta(df2 / (df2 + df1 * f), df2 / 2, df1 / 2);
}

export function fQuantile(p: number, df1: number, df2: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return Infinity;
  const { x, y } = solveBeta(p, 1 - p, df1 / 2, df2 / 2);
  return (df2 * x) / (df1 * y);
}

export function chiSquareCdf(x: number, df: number): number {
  return incompleteGammaP(df / 2, x / 2);
}

export function chiSquareUpperP(x: number, df: number): number {
  return incompleteGammaQ(df / 2, x / 2);
}
