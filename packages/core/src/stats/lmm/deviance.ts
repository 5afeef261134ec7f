import {
  logDetCholesky,
  solveLower,
  solveLowerTransposed,
  tryCholesky,
  tryEnvelopeCholesky,
  zeros,
  type Matrix,
} from '../linalg';
import type { Design } from './design';
import { solveScalarPls } from './scalar-pls';

/**
 * The profiled deviance of a linear mixed model as a function of θ, the elements of the relative covariance
 * factors Λ (Bates, Mächler, Bolker & Walker 2015, "Fitting linear mixed-effects models using lme4", §3).
 * For a given θ, the penalised least-squares system
 *
 *   [Λ'Z'ZΛ + I   Λ'Z'X] [u]   [Λ'Z'y]
 *   [X'ZΛ         X'X  ] [β] = [X'y ]
 *
 * is solved by a blocked Cholesky factorisation. Random effects of the first term (the grouping factor
 * with most levels, normally the client) form one small block per level; the other terms (therapist above
 * client, a second term on the client) form a "secondary" part whose Schur complement is factored with an
 * envelope Cholesky, so nested factors stay block-diagonal. Everything works on cross-products
 * accumulated once, so an evaluation costs O(levels · p³), independent of the number of sessions.
 */

export interface TermLayout {
  group: string;
  effects: string[];
  p: number;
  levels: string[];
  /** Offset of this term's θ elements. */
  thetaOffset: number;
  /** Offset of the term's random effects within the secondary part (terms after the first). */
  offset: number;
}

export interface CrossEntry {
  /** Secondary term index (≥ 1) and the offset of this level's block in the secondary part. */
  term: number;
  col: number;
  /** Z1_j' Z_t,l restricted to the rows of primary level j: p1 × p_t, row-major. */
  m: Float64Array;
}

/** Sufficient statistics of the model: every evaluation of the deviance works from these. */
export interface CrossProducts {
  n: number;
  p: number;
  terms: TermLayout[];
  thetaLength: number;
  /** Lower bounds on θ: 0 for diagonal elements of each Λ, -Infinity below the diagonal. */
  lower: number[];
  /** lme4's starting value: identity factors. */
  start: number[];
  nPrimary: number;
  p1: number;
  ztz1: Float64Array;
  ztx1: Float64Array;
  zty1: Float64Array;
  cross: CrossEntry[][];
  q2: number;
  ztz2: Float64Array;
  ztx2: Float64Array;
  zty2: Float64Array;
  xtx: Float64Array;
  xty: Float64Array;
  yty: number;
  /** Added back to the intercept: y is centred when X has an intercept, for precision in r². */
  yShift: number;
  interceptColumn: number;
}

/** Secondary parts beyond this many random effects would need a sparse factorisation. */
export const MAX_SECONDARY = 4000;

export function crossProducts(d: Design): CrossProducts {
  const { n } = d;
  const p = d.fixedNames.length;
  if (d.terms.length === 0) throw new RangeError('a mixed model needs at least one random-effects term');
  const interceptColumn = d.fixedNames.indexOf('(Intercept)');
  let yShift = 0;
  if (interceptColumn >= 0) {
    for (let i = 0; i < n; i++) yShift += d.y[i]!;
    yShift /= n;
  }
  const y = Float64Array.from(d.y, (v) => v - yShift);

  const terms: TermLayout[] = [];
  let thetaOffset = 0;
  let offset = 0;
  const lower: number[] = [];
  const start: number[] = [];
  d.terms.forEach((t, ti) => {
    terms.push({
      group: t.group,
      effects: t.effects,
      p: t.p,
      levels: t.levels,
      thetaOffset,
      offset: ti === 0 ? 0 : offset,
    });
    for (let c = 0; c < t.p; c++) {
      for (let r = c; r < t.p; r++) {
        lower.push(r === c ? 0 : -Infinity);
        start.push(r === c ? 1 : 0);
      }
    }
    thetaOffset += (t.p * (t.p + 1)) / 2;
    if (ti > 0) offset += t.p * t.levels.length;
  });
  const q2 = offset;
  if (q2 > MAX_SECONDARY) {
    throw new RangeError(
      `the random effects beyond the largest grouping factor number ${q2} (more than ${MAX_SECONDARY}); put the factor with most levels in one term, or fit crossed designs of this size elsewhere`,
    );
  }
  const primary = d.terms[0]!;
  const p1 = primary.p;
  const nPrimary = primary.levels.length;
  const ztz1 = new Float64Array(nPrimary * p1 * p1);
  const ztx1 = new Float64Array(nPrimary * p1 * p);
  const zty1 = new Float64Array(nPrimary * p1);
  const crossMaps: Array<Map<number, CrossEntry>> = Array.from({ length: nPrimary }, () => new Map());
  const ztz2 = new Float64Array(q2 * q2);
  const ztx2 = new Float64Array(q2 * p);
  const zty2 = new Float64Array(q2);
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  let yty = 0;

  const secondary = d.terms.slice(1);
  const colOf = (ti: number, i: number) => terms[ti + 1]!.offset + secondary[ti]!.index[i]! * secondary[ti]!.p;
  for (let i = 0; i < n; i++) {
    const yi = y[i]!;
    const xi = i * p;
    yty += yi * yi;
    for (let a = 0; a < p; a++) {
      const xa = d.x[xi + a]!;
      xty[a]! += xa * yi;
      for (let b = 0; b <= a; b++) xtx[a * p + b]! += xa * d.x[xi + b]!;
    }
    const j = primary.index[i]!;
    const z1 = i * p1;
    for (let a = 0; a < p1; a++) {
      const za = primary.z[z1 + a]!;
      zty1[j * p1 + a]! += za * yi;
      for (let b = 0; b < p1; b++) ztz1[(j * p1 + a) * p1 + b]! += za * primary.z[z1 + b]!;
      for (let b = 0; b < p; b++) ztx1[(j * p1 + a) * p + b]! += za * d.x[xi + b]!;
    }
    secondary.forEach((t, ti) => {
      const pt = t.p;
      const col = colOf(ti, i);
      const zt = i * pt;
      let e = crossMaps[j]!.get(col);
      if (!e) {
        e = { term: ti + 1, col, m: new Float64Array(p1 * pt) };
        crossMaps[j]!.set(col, e);
      }
      for (let a = 0; a < p1; a++) for (let b = 0; b < pt; b++) e.m[a * pt + b]! += primary.z[z1 + a]! * t.z[zt + b]!;
      for (let a = 0; a < pt; a++) {
        const za = t.z[zt + a]!;
        zty2[col + a]! += za * yi;
        for (let b = 0; b < p; b++) ztx2[(col + a) * p + b]! += za * d.x[xi + b]!;
        secondary.forEach((u, ui) => {
          const colU = colOf(ui, i);
          const zu = i * u.p;
          for (let b = 0; b < u.p; b++) ztz2[(col + a) * q2 + colU + b]! += za * u.z[zu + b]!;
        });
      }
    });
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) xtx[b * p + a] = xtx[a * p + b]!;
  const cross = crossMaps.map((m) => [...m.values()].sort((a, b) => a.col - b.col));
  return {
    n,
    p,
    terms,
    thetaLength: thetaOffset,
    lower,
    start,
    nPrimary,
    p1,
    ztz1,
    ztx1,
    zty1,
    cross,
    q2,
    ztz2,
    ztx2,
    zty2,
    xtx,
    xty,
    yty,
    yShift,
    interceptColumn,
  };
}

/** Λ for one term from its θ elements (column-major lower triangle, as lme4 stores θ), row-major p × p. */
export function lambdaOf(theta: ArrayLike<number>, offset: number, p: number): Float64Array {
  const l = new Float64Array(p * p);
  let k = offset;
  for (let c = 0; c < p; c++) for (let r = c; r < p; r++) l[r * p + c] = theta[k++]!;
  return l;
}

/** Λa' M Λb for an pa × pb block M, with Λa, Λb lower triangular. */
function sandwich(
  la: Float64Array,
  pa: number,
  m: Float64Array,
  lb: Float64Array,
  pb: number,
  out: Float64Array,
): void {
  // (Λa' M Λb)[i][j] = Σ_r Σ_s Λa[r][i] M[r][s] Λb[s][j]; lower-triangularity limits r ≥ i, s ≥ j.
  for (let i = 0; i < pa; i++) {
    for (let jj = 0; jj < pb; jj++) {
      let s = 0;
      for (let r = i; r < pa; r++) {
        const lri = la[r * pa + i]!;
        if (lri === 0) continue;
        let inner = 0;
        for (let c = jj; c < pb; c++) inner += m[r * pb + c]! * lb[c * pb + jj]!;
        s += lri * inner;
      }
      out[i * pb + jj] = s;
    }
  }
}

/** Λ' v for a p-vector block. */
function lambdaTVec(
  l: Float64Array,
  p: number,
  v: Float64Array,
  vOff: number,
  out: Float64Array,
  outOff: number,
): void {
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let r = i; r < p; r++) s += l[r * p + i]! * v[vOff + r]!;
    out[outOff + i] = s;
  }
}

/** Λ' M for a p × m block of rows. */
function lambdaTMat(l: Float64Array, p: number, mat: Float64Array, off: number, m: number, out: Float64Array): void {
  for (let i = 0; i < p; i++) {
    for (let c = 0; c < m; c++) {
      let s = 0;
      for (let r = i; r < p; r++) s += l[r * p + i]! * mat[off + r * m + c]!;
      out[i * m + c] = s;
    }
  }
}

/** In-place Cholesky of a small p × p matrix; false if not positive definite. */
function smallCholesky(a: Float64Array, p: number): boolean {
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j]!;
    for (let k = 0; k < j; k++) d -= a[j * p + k]! * a[j * p + k]!;
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j]!;
      for (let k = 0; k < j; k++) s -= a[i * p + k]! * a[j * p + k]!;
      a[i * p + j] = s / ljj;
    }
    for (let i = 0; i < j; i++) a[i * p + j] = 0;
  }
  return true;
}

/** In place: B ← L⁻¹ B for a small lower-triangular L (p × p) and B (p × m). */
function smallForward(l: Float64Array, p: number, b: Float64Array, m: number): void {
  for (let i = 0; i < p; i++) {
    const lii = l[i * p + i]!;
    for (let c = 0; c < m; c++) {
      let s = b[i * m + c]!;
      for (let k = 0; k < i; k++) s -= l[i * p + k]! * b[k * m + c]!;
      b[i * m + c] = s / lii;
    }
  }
}

/** The factorisation at one θ: enough to give the deviance, β, and (when kept) the random effects. */
export interface PlsSolution {
  theta: number[];
  /** log |L_θ|² (the random-effects factor). */
  ldL2: number;
  /** log |R_X|² (the fixed-effects factor). */
  ldRX2: number;
  /** Penalised residual sum of squares at the conditional estimates. */
  r2: number;
  /** β on the original scale of y. */
  beta: Float64Array;
  /** R_X' R_X = X'V⁻¹X·σ², lower Cholesky factor. */
  lx: Matrix;
  /** Spherical random effects u, by term and level (only when requested). */
  u?: Float64Array[];
}

/**
 * Takes the second random factor's block (R2X = L2⁻¹·S_X, c2 = L2⁻¹·S_y) out of the fixed-effect cross-products,
 * in place, and returns the residual sum of squares r2 less its share. Shared by the general and the grouped solvers, so
 * both subtract in the same order and give the same numbers.
 */
export function absorbSecondFactor(
  R2X: { data: ArrayLike<number> },
  c2: { data: ArrayLike<number> },
  p: number,
  q2: number,
  xtxAdj: Float64Array | number[],
  xtyAdj: Float64Array | number[],
  r2: number,
): number {
  for (let a = 0; a < p; a++) {
    let sy = 0;
    for (let k = 0; k < q2; k++) sy += R2X.data[k * p + a]! * c2.data[k]!;
    xtyAdj[a]! -= sy;
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let k = 0; k < q2; k++) s += R2X.data[k * p + a]! * R2X.data[k * p + b]!;
      xtxAdj[a * p + b]! -= s;
    }
  }
  let rest = r2;
  for (let k = 0; k < q2; k++) rest -= c2.data[k]! * c2.data[k]!;
  return rest;
}

/**
 * The fixed-effects part of the solution from X'X and X'y with the random effects absorbed (the Schur
 * complement): R_X, β, and what β leaves of the penalised RSS.
 */
export function fixedPart(
  cp: CrossProducts,
  theta: ArrayLike<number>,
  xtxAdj: Float64Array,
  xtyAdj: Float64Array,
  r2: number,
  ldL2: number,
): { sol: PlsSolution; betaC: Float64Array } {
  const { p } = cp;
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) xtxAdj[b * p + a] = xtxAdj[a * p + b]!;
  const lx = p > 0 ? tryCholesky({ rows: p, cols: p, data: xtxAdj }) : zeros(0, 0);
  if (!lx)
    throw new RangeError(
      'the fixed-effects design is rank deficient: some column is a linear combination of the others',
    );
  const cb = solveLower(lx, { rows: p, cols: 1, data: xtyAdj });
  for (let k = 0; k < p; k++) r2 -= cb.data[k]! * cb.data[k]!;
  const betaC = solveLowerTransposed(lx, cb).data;
  const beta = Float64Array.from(betaC);
  if (cp.interceptColumn >= 0) beta[cp.interceptColumn]! += cp.yShift;
  return {
    sol: { theta: Array.from(theta), ldL2, ldRX2: logDetCholesky(lx), r2: Math.max(r2, 0), beta, lx },
    betaC,
  };
}

export function solvePls(cp: CrossProducts, theta: ArrayLike<number>, keep = false): PlsSolution | null {
  // Random intercepts only (every term one effect per level) is the common case, and the optimiser and the
  // Satterthwaite derivatives evaluate it hundreds of times: a loop without the small-block machinery.
  if (!keep && cp.terms.every((t) => t.p === 1)) return solveScalarPls(cp, theta);
  const { p, p1, q2, nPrimary, terms } = cp;
  const lam = terms.map((t) => lambdaOf(theta, t.thetaOffset, t.p));
  const lam1 = lam[0]!;

  const xtxAdj = Float64Array.from(cp.xtx);
  const xtyAdj = Float64Array.from(cp.xty);
  let r2 = cp.yty;
  let ldL2 = 0;

  // Secondary part S = Λ2' Z2'Z2 Λ2 + I, less the primary blocks' contributions below.
  const S = zeros(q2, q2);
  const SX = zeros(q2, p);
  const Sy = zeros(q2, 1);
  if (q2 > 0) {
    const blocks: Array<{ off: number; p: number; l: Float64Array }> = [];
    for (let ti = 1; ti < terms.length; ti++) {
      const t = terms[ti]!;
      for (let lv = 0; lv < t.levels.length; lv++) blocks.push({ off: t.offset + lv * t.p, p: t.p, l: lam[ti]! });
    }
    const tmpBlock = new Float64Array(16);
    const mBlock = new Float64Array(16);
    for (const a of blocks) {
      for (const b of blocks) {
        let nonzero = false;
        for (let i = 0; i < a.p && !nonzero; i++)
          for (let j = 0; j < b.p; j++) if (cp.ztz2[(a.off + i) * q2 + b.off + j] !== 0) nonzero = true;
        if (!nonzero) continue;
        const mb = a.p * b.p <= 16 ? mBlock : new Float64Array(a.p * b.p);
        const out = a.p * b.p <= 16 ? tmpBlock : new Float64Array(a.p * b.p);
        for (let i = 0; i < a.p; i++)
          for (let j = 0; j < b.p; j++) mb[i * b.p + j] = cp.ztz2[(a.off + i) * q2 + b.off + j]!;
        sandwich(a.l, a.p, mb, b.l, b.p, out);
        for (let i = 0; i < a.p; i++)
          for (let j = 0; j < b.p; j++) S.data[(a.off + i) * q2 + b.off + j] = out[i * b.p + j]!;
      }
      const xb = new Float64Array(a.p * p);
      lambdaTMat(a.l, a.p, cp.ztx2, a.off * p, p, xb);
      SX.data.set(xb, a.off * p);
      lambdaTVec(a.l, a.p, cp.zty2, a.off, Sy.data, a.off);
    }
    for (let i = 0; i < q2; i++) S.data[i * q2 + i]! += 1;
  }

  const Lj = new Float64Array(p1 * p1);
  const Rj = new Float64Array(p1 * p);
  const cj = new Float64Array(p1);
  const kept = keep
    ? { L: [] as Float64Array[], R: [] as Float64Array[], c: [] as Float64Array[], W: [] as Float64Array[][] }
    : undefined;
  for (let j = 0; j < nPrimary; j++) {
    sandwich(lam1, p1, cp.ztz1.subarray(j * p1 * p1, (j + 1) * p1 * p1), lam1, p1, Lj);
    for (let i = 0; i < p1; i++) Lj[i * p1 + i]! += 1;
    if (!smallCholesky(Lj, p1)) return null;
    for (let i = 0; i < p1; i++) ldL2 += 2 * Math.log(Lj[i * p1 + i]!);
    lambdaTMat(lam1, p1, cp.ztx1, j * p1 * p, p, Rj);
    smallForward(Lj, p1, Rj, p);
    lambdaTVec(lam1, p1, cp.zty1, j * p1, cj, 0);
    smallForward(Lj, p1, cj, 1);
    for (let a = 0; a < p; a++) {
      let sy = 0;
      for (let k = 0; k < p1; k++) sy += Rj[k * p + a]! * cj[k]!;
      xtyAdj[a]! -= sy;
      for (let b = 0; b <= a; b++) {
        let s = 0;
        for (let k = 0; k < p1; k++) s += Rj[k * p + a]! * Rj[k * p + b]!;
        xtxAdj[a * p + b]! -= s;
      }
    }
    for (let k = 0; k < p1; k++) r2 -= cj[k]! * cj[k]!;

    const entries = cp.cross[j]!;
    const Ws: Float64Array[] = [];
    for (const e of entries) {
      const pt = terms[e.term]!.p;
      const W = new Float64Array(p1 * pt);
      sandwich(lam1, p1, e.m, lam[e.term]!, pt, W);
      smallForward(Lj, p1, W, pt);
      Ws.push(W);
      for (let a = 0; a < pt; a++) {
        let sy = 0;
        for (let k = 0; k < p1; k++) sy += W[k * pt + a]! * cj[k]!;
        Sy.data[e.col + a]! -= sy;
        for (let b = 0; b < p; b++) {
          let s = 0;
          for (let k = 0; k < p1; k++) s += W[k * pt + a]! * Rj[k * p + b]!;
          SX.data[(e.col + a) * p + b]! -= s;
        }
      }
    }
    for (let x = 0; x < entries.length; x++) {
      const ex = entries[x]!;
      const px = terms[ex.term]!.p;
      const Wx = Ws[x]!;
      for (let y = 0; y < entries.length; y++) {
        const ey = entries[y]!;
        const py = terms[ey.term]!.p;
        const Wy = Ws[y]!;
        for (let a = 0; a < px; a++) {
          for (let b = 0; b < py; b++) {
            let s = 0;
            for (let k = 0; k < p1; k++) s += Wx[k * px + a]! * Wy[k * py + b]!;
            S.data[(ex.col + a) * q2 + ey.col + b]! -= s;
          }
        }
      }
    }
    if (kept) {
      kept.L.push(Float64Array.from(Lj));
      kept.R.push(Float64Array.from(Rj));
      kept.c.push(Float64Array.from(cj));
      kept.W.push(Ws);
    }
  }

  let L2: Matrix | null = null;
  let R2X: Matrix | null = null;
  let c2: Matrix | null = null;
  if (q2 > 0) {
    L2 = tryEnvelopeCholesky(S);
    if (!L2) return null;
    ldL2 += logDetCholesky(L2);
    R2X = solveLower(L2, SX);
    c2 = solveLower(L2, Sy);
    r2 = absorbSecondFactor(R2X, c2, p, q2, xtxAdj, xtyAdj, r2);
  }

  const { sol, betaC } = fixedPart(cp, theta, xtxAdj, xtyAdj, r2, ldL2);
  if (kept) {
    // Back-substitution: u2 = L2⁻ᵀ(c2 − R2X β), then each primary block u1 = L_j⁻ᵀ(c_j − R_j β − Σ W_e' u2).
    const u2 = new Float64Array(q2);
    if (q2 > 0) {
      const rhs = zeros(q2, 1);
      for (let k = 0; k < q2; k++) {
        let s = c2!.data[k]!;
        for (let b = 0; b < p; b++) s -= R2X!.data[k * p + b]! * betaC[b]!;
        rhs.data[k] = s;
      }
      u2.set(solveLowerTransposed(L2!, rhs).data);
    }
    const u1 = new Float64Array(nPrimary * p1);
    for (let j = 0; j < nPrimary; j++) {
      const L = kept.L[j]!;
      const R = kept.R[j]!;
      const rhs = Float64Array.from(kept.c[j]!);
      for (let k = 0; k < p1; k++) for (let b = 0; b < p; b++) rhs[k]! -= R[k * p + b]! * betaC[b]!;
      cp.cross[j]!.forEach((e, x) => {
        const pt = terms[e.term]!.p;
        const W = kept.W[j]![x]!;
        for (let k = 0; k < p1; k++) for (let a = 0; a < pt; a++) rhs[k]! -= W[k * pt + a]! * u2[e.col + a]!;
      });
      for (let i = p1 - 1; i >= 0; i--) {
        let s = rhs[i]!;
        for (let k = i + 1; k < p1; k++) s -= L[k * p1 + i]! * rhs[k]!;
        rhs[i] = s / L[i * p1 + i]!;
      }
      u1.set(rhs, j * p1);
    }
    sol.u = [u1, ...terms.slice(1).map((t) => u2.slice(t.offset, t.offset + t.p * t.levels.length))];
  }
  return sol;
}

/** −2 × the (restricted) log-likelihood profiled over β and σ: lme4's REML criterion or ML deviance. */
export function profiledDeviance(cp: CrossProducts, sol: PlsSolution, reml: boolean): number {
  const nmp = reml ? cp.n - cp.p : cp.n;
  return sol.ldL2 + (reml ? sol.ldRX2 : 0) + nmp * (1 + Math.log((2 * Math.PI * sol.r2) / nmp));
}

/**
 * The same criterion with σ not profiled out: a function of (θ, σ), as lmerTest differentiates it for the
 * Satterthwaite degrees of freedom (lmerTest:::devfun_vp).
 */
export function devianceAt(cp: CrossProducts, sol: PlsSolution, sigma: number, reml: boolean): number {
  const s2 = sigma * sigma;
  const dev = sol.ldL2 + sol.r2 / s2 + cp.n * Math.log(2 * Math.PI * s2);
  return reml ? dev + sol.ldRX2 - cp.p * Math.log(2 * Math.PI * s2) : dev;
}
