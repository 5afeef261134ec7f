import { cholesky, logDetCholesky, choleskySolve, zeros, type Matrix } from './linalg';
import { minimizeBounded } from './optimize';

/**
 * REML for y = μ + a_subject + b_rater + e with crossed random intercepts, any pattern of missing cells:
 * the model psych::ICC fits with lme4 (`values ~ 1 + (1 | id) + (1 | items)`) when ratings are missing.
 *
 * The criterion is lme4's profiled REML deviance, so its value is comparable with `deviance(fit, REML = TRUE)`:
 * with relative standard deviations θ = (σ_a/σ, σ_b/σ) and Λ = diag(θ), the penalised system
 * M = [ΛZ'ZΛ + I, ΛZ'X; X'ZΛ, X'X] gives −2 ℓ_R = log det M + (N − 1)(1 + log(2π r²/(N − 1))), r² the
 * penalised residual sum of squares. The subject block of ΛZ'ZΛ + I is diagonal, so it is absorbed one
 * subject at a time and only a (raters + 1)-square Schur complement is factored: O(cells · raters) per
 * evaluation, which keeps ten thousand subjects cheap.
 */

export interface CrossedCell {
  subject: number;
  rater: number;
  value: number;
}

export interface CrossedRemlFit {
  /** Variance of the subject intercepts. */
  subject: number;
  /** Variance of the rater intercepts. */
  rater: number;
  residual: number;
  mean: number;
  /** lme4's REML criterion at the optimum. */
  deviance: number;
  theta: [number, number];
  converged: boolean;
  iterations: number;
}

interface Prepared {
  nSubjects: number;
  nRaters: number;
  N: number;
  yy: number;
  sumY: number;
  /** Per subject: count, sum, and the raters (and values) it has. */
  subjCount: Float64Array;
  subjSum: Float64Array;
  subjStart: Int32Array;
  cellRater: Int32Array;
  raterCount: Float64Array;
  raterSum: Float64Array;
}

function prepare(cells: ReadonlyArray<CrossedCell>, nSubjects: number, nRaters: number): Prepared {
  const subjCount = new Float64Array(nSubjects);
  const subjSum = new Float64Array(nSubjects);
  const raterCount = new Float64Array(nRaters);
  const raterSum = new Float64Array(nRaters);
  let yy = 0;
  let sumY = 0;
  for (const c of cells) {
    subjCount[c.subject]!++;
    subjSum[c.subject]! += c.value;
    raterCount[c.rater]!++;
    raterSum[c.rater]! += c.value;
    yy += c.value * c.value;
    sumY += c.value;
  }
  const subjStart = new Int32Array(nSubjects + 1);
  for (let i = 0; i < nSubjects; i++) subjStart[i + 1] = subjStart[i]! + subjCount[i]!;
  const fill = subjStart.slice(0, nSubjects);
  const cellRater = new Int32Array(cells.length);
  for (const c of cells) cellRater[fill[c.subject]!++] = c.rater;
  return {
    nSubjects,
    nRaters,
    N: cells.length,
    yy,
    sumY,
    subjCount,
    subjSum,
    subjStart,
    cellRater,
    raterCount,
    raterSum,
  };
}

interface Evaluation {
  deviance: number;
  r2: number;
  mean: number;
}

function evaluate(d: Prepared, ta: number, tb: number): Evaluation {
  const k = d.nRaters;
  const m = k + 1;
  // S starts as the rater/intercept block of M; subjects are then absorbed into it.
  const S = zeros(m, m);
  const g = new Float64Array(m);
  for (let j = 0; j < k; j++) {
    S.data[j * m + j] = tb * tb * d.raterCount[j]! + 1;
    S.data[j * m + k] = tb * d.raterCount[j]!;
    S.data[k * m + j] = tb * d.raterCount[j]!;
    g[j] = tb * d.raterSum[j]!;
  }
  S.data[k * m + k] = d.N;
  g[k] = d.sumY;
  let logDetD = 0;
  let fDf = 0;
  for (let i = 0; i < d.nSubjects; i++) {
    const ni = d.subjCount[i]!;
    if (ni === 0) continue;
    const Di = ta * ta * ni + 1;
    logDetD += Math.log(Di);
    const fi = ta * d.subjSum[i]!;
    fDf += (fi * fi) / Di;
    if (ta === 0) continue;
    // c_i = subject i's column of ΛZ'ZΛ / ΛZ'X restricted to raters and intercept.
    const start = d.subjStart[i]!;
    const end = d.subjStart[i + 1]!;
    const w = 1 / Di;
    const ci = ta * ni;
    const cr = ta * tb;
    for (let a = start; a < end; a++) {
      const ja = d.cellRater[a]!;
      for (let b = start; b < end; b++) S.data[ja * m + d.cellRater[b]!]! -= cr * cr * w;
      S.data[ja * m + k]! -= cr * ci * w;
      S.data[k * m + ja]! -= cr * ci * w;
      g[ja]! -= cr * fi * w;
    }
    S.data[k * m + k]! -= ci * ci * w;
    g[k]! -= ci * fi * w;
  }
  const L: Matrix = cholesky(S);
  const sol = choleskySolve(L, { rows: m, cols: 1, data: Float64Array.from(g) });
  let gSg = 0;
  for (let j = 0; j < m; j++) gSg += g[j]! * sol.data[j]!;
  const r2 = d.yy - fDf - gSg;
  const dfRes = d.N - 1;
  const deviance = logDetD + logDetCholesky(L) + dfRes * (1 + Math.log((2 * Math.PI * r2) / dfRes));
  return { deviance, r2, mean: sol.data[k]! };
}

/**
 * Fits the crossed model by REML. `cells` index subjects 0..nSubjects−1 and raters 0..nRaters−1; every
 * subject and rater index should occur at least once.
 */
export function crossedReml(cells: ReadonlyArray<CrossedCell>, nSubjects: number, nRaters: number): CrossedRemlFit {
  if (cells.length < 3) throw new RangeError(`REML needs at least 3 observations, found ${cells.length}`);
  const d = prepare(cells, nSubjects, nRaters);
  const f = (t: number[]) => evaluate(d, t[0]!, t[1]!).deviance;
  const start = startingTheta(d);
  const opt = minimizeBounded(f, start, { lower: [0, 0], gradTol: 1e-10, fTol: 1e-15, maxIterations: 2000 });
  const [ta, tb] = opt.x as [number, number];
  const e = evaluate(d, ta, tb);
  const residual = e.r2 / (d.N - 1);
  return {
    subject: ta * ta * residual,
    rater: tb * tb * residual,
    residual,
    mean: e.mean,
    deviance: e.deviance,
    theta: [ta, tb],
    converged: opt.converged,
    iterations: opt.iterations,
  };
}

/** Moment estimates from subject and rater means, as relative SDs, so the optimiser starts near the answer. */
function startingTheta(d: Prepared): [number, number] {
  const mean = d.sumY / d.N;
  const total = Math.max(d.yy / d.N - mean * mean, 1e-12);
  let vs = 0;
  let ns = 0;
  for (let i = 0; i < d.nSubjects; i++) {
    if (d.subjCount[i]! === 0) continue;
    vs += (d.subjSum[i]! / d.subjCount[i]! - mean) ** 2;
    ns++;
  }
  let vr = 0;
  for (let j = 0; j < d.nRaters; j++) vr += (d.raterSum[j]! / Math.max(1, d.raterCount[j]!) - mean) ** 2;
  vs /= Math.max(1, ns - 1);
  vr /= Math.max(1, d.nRaters - 1);
  const resid = Math.max(total - vs - vr, total * 0.1);
  return [Math.sqrt(vs / resid) || 0.5, Math.sqrt(vr / resid) || 0.5];
}
