import { choleskyInverse, fromRows, symmetricPseudoInverse } from '../linalg';
import { hessian, jacobian } from '../numderiv';
import { devianceAt, solvePls, type CrossProducts } from './deviance';

/**
 * Satterthwaite denominator degrees of freedom for each fixed effect, computed the way lmerTest (≥ 3.0)
 * computes them (Kuznetsova, Brockhoff & Christensen 2017):
 *
 *   A  = 2 H⁻¹, H the Hessian of the (θ, σ) deviance at the estimate (numDeriv, Richardson; eigenvalues
 *        ≤ 1e-8 dropped from the inverse, as lmerTest does for singular fits);
 *   J_k = ∂ Cov(β̂)/∂ varpar_k, Cov(β̂)(θ, σ) = σ² (R_X' R_X)⁻¹(θ) (numDeriv Jacobian);
 *   df_j = 2 Var(β̂_j)² / (g' A g),  g_k = (J_k)_jj.
 *
 * The derivatives use numDeriv's step rule, so the numbers follow R's to the digits the goldens check.
 */

export interface SatterthwaiteResult {
  df: number[];
  /** Eigenvalues of H dropped as non-positive (a singular fit). */
  droppedEigenvalues: number[];
}

function covBeta(cp: CrossProducts, varpar: number[]): Float64Array {
  const sigma = varpar[varpar.length - 1]!;
  const sol = solvePls(cp, varpar.slice(0, -1));
  if (!sol) return new Float64Array(cp.p * cp.p).fill(NaN);
  return choleskyInverse(sol.lx).data.map((v) => sigma * sigma * v);
}

export function satterthwaite(
  cp: CrossProducts,
  theta: number[],
  sigma: number,
  reml: boolean,
  vcov: Float64Array,
): SatterthwaiteResult {
  const p = cp.p;
  const varpar = [...theta, sigma];
  const dev = (v: number[]) => {
    const sol = solvePls(cp, v.slice(0, -1));
    return sol ? devianceAt(cp, sol, v[v.length - 1]!, reml) : NaN;
  };
  const H = hessian(dev, varpar);
  const { inverse, dropped } = symmetricPseudoInverse(fromRows(H), 1e-8);
  const A = inverse.data.map((v) => 2 * v);
  const J = jacobian((v) => covBeta(cp, v), varpar);
  const m = varpar.length;
  const df: number[] = [];
  for (let j = 0; j < p; j++) {
    const g = new Float64Array(m);
    for (let k = 0; k < m; k++) g[k] = J[j * p + j]![k]!;
    let denom = 0;
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) denom += g[a]! * A[a * m + b]! * g[b]!;
    const v = vcov[j * p + j]!;
    df.push((2 * v * v) / denom);
  }
  return { df, droppedEigenvalues: Array.from(dropped) };
}
