/**
 * McDonald's omega total from a one-factor minres fit, as `psych::omega(x, nfactors = 1)` computes it: the
 * factor is fitted to the correlation matrix R by minimising the squared off-diagonal residuals (psych's
 * `fa(fm = "minres")`), items whose loading is negative are reflected (omega's `flip`), and
 * omega_t = (ΣR − Σu²) / ΣR over the reflected R, with u² = 1 − λ².
 */

/** psych bounds each uniqueness below by 0.005 (optim's `lower`), so a communality stays at most 0.995. */
const MAX_COMMUNALITY = 0.995;

export interface OneFactorFit {
  loadings: number[];
  uniquenesses: number[];
  /** Coordinate sweeps until no loading moved by more than 1e-13. */
  sweeps: number;
}

/**
 * Minres one-factor loadings of a correlation matrix. The objective Σ_{i<j} (r_ij − λ_i λ_j)² is quadratic in
 * each λ_k with the others held, so exact coordinate steps descend to the same optimum psych's L-BFGS-B on
 * the uniquenesses reaches (the two parametrisations share their stationary points), only more tightly.
 */
export function minresOneFactor(r: ReadonlyArray<ReadonlyArray<number>>): OneFactorFit {
  const p = r.length;
  // Start where psych starts, at the squared multiple correlations' scale: each item's mean |r| with the rest.
  const lambda = r.map((row, k) => {
    let s = 0;
    for (let j = 0; j < p; j++) if (j !== k) s += row[j]!;
    return Math.sign(s || 1) * Math.sqrt(Math.min(MAX_COMMUNALITY, Math.abs(s) / Math.max(1, p - 1)) || 0.1);
  });
  let sweeps = 0;
  for (; sweeps < 100_000; sweeps++) {
    let moved = 0;
    for (let k = 0; k < p; k++) {
      let num = 0;
      let den = 0;
      for (let j = 0; j < p; j++) {
        if (j === k) continue;
        num += r[k]![j]! * lambda[j]!;
        den += lambda[j]! * lambda[j]!;
      }
      let next = den > 0 ? num / den : 0;
      const cap = Math.sqrt(MAX_COMMUNALITY);
      if (next > cap) next = cap;
      if (next < -cap) next = -cap;
      moved = Math.max(moved, Math.abs(next - lambda[k]!));
      lambda[k] = next;
    }
    if (moved < 1e-13) break;
  }
  return { loadings: lambda, uniquenesses: lambda.map((l) => 1 - l * l), sweeps };
}

/** omega total (reflected as psych's omega does) and the loadings it came from, signed so their sum is ≥ 0. */
export function omegaTotal(r: ReadonlyArray<ReadonlyArray<number>>): {
  total: number;
  loadings: number[];
  uniquenesses: number[];
} {
  const fit = minresOneFactor(r);
  const sum = fit.loadings.reduce((a, b) => a + b, 0);
  const loadings = sum < 0 ? fit.loadings.map((l) => -l) : fit.loadings;
  const key = loadings.map((l) => (l < 0 ? -1 : 1));
  let vt = 0;
  for (let i = 0; i < r.length; i++) for (let j = 0; j < r.length; j++) vt += key[i]! * key[j]! * r[i]![j]!;
  const uniq = fit.uniquenesses.reduce((a, b) => a + b, 0);
  return { total: (vt - uniq) / vt, loadings, uniquenesses: fit.uniquenesses };
}
