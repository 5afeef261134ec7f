import { logDetCholesky, solveLower, tryEnvelopeCholesky, zeros } from '../linalg';
import { absorbSecondFactor, type CrossProducts, fixedPart, type PlsSolution } from './deviance';

/**
 * `solvePls` for models whose every random-effects term is one effect per level (random intercepts for client,
 * therapist, …). Λ is diagonal, so primary level j's block is the scalar l_j = √(θ₁² n_j + 1) and what the
 * level subtracts from the rest of the system is (θ₁/l_j)² times its own cross-products (Z_j'X, Z_j'y) plus
 * terms in its secondary entries. Levels with the same n_j and the same secondary entries (the clients of one
 * therapist with the same number of sessions) therefore contribute the same factor times the sums of their
 * cross-products: those sums are formed once per set of cross-products, and an evaluation costs one step per
 * group instead of one per client. The general path sums per level, so the two agree to rounding (about 1e-13
 * relative), not bit for bit. Without random effects kept: the optimiser and the derivatives need only the
 * deviance and β.
 */

/** Primary levels that share n_j and their secondary entries, with their cross-products summed. */
interface Groups {
  count: number;
  /** Per group: its levels, n_j, and the range of its secondary entries. */
  levels: Float64Array;
  size: Float64Array;
  start: Int32Array;
  /** Secondary entries: term, column in the secondary part, Z1_j'Z_t (the same for every level of the group). */
  term: Int32Array;
  col: Int32Array;
  m: Float64Array;
  /** Σ_j (Z_j'X)(Z_j'X)', p × p per group; Σ (Z_j'X)(Z_j'y), p per group; Σ (Z_j'y)²; Σ Z_j'X; Σ Z_j'y. */
  xx: Float64Array;
  xy: Float64Array;
  yy: Float64Array;
  x: Float64Array;
  y: Float64Array;
  /** Secondary blocks with a non-zero Z2'Z2 entry, as (row, col) pairs. */
  nonzero: Int32Array;
  /** θ index of each secondary random effect. */
  thetaOf: Int32Array;
  maxEntries: number;
}

const cache = new WeakMap<CrossProducts, Groups>();

function groupsOf(cp: CrossProducts): Groups {
  const hit = cache.get(cp);
  if (hit) return hit;
  const { p, q2, nPrimary } = cp;
  const byKey = new Map<string, number>();
  const groupOf = new Int32Array(nPrimary);
  const firstLevel: number[] = [];
  for (let j = 0; j < nPrimary; j++) {
    let key = String(cp.ztz1[j]!);
    for (const e of cp.cross[j]!) key += `|${e.term}:${e.col}:${e.m[0]!}`;
    let g = byKey.get(key);
    if (g === undefined) {
      byKey.set(key, (g = byKey.size));
      firstLevel.push(j);
    }
    groupOf[j] = g;
  }
  const count = byKey.size;
  const levels = new Float64Array(count);
  const size = new Float64Array(count);
  const start = new Int32Array(count + 1);
  const entries = firstLevel.reduce((s, j) => s + cp.cross[j]!.length, 0);
  const term = new Int32Array(entries);
  const col = new Int32Array(entries);
  const m = new Float64Array(entries);
  let k = 0;
  let maxEntries = 0;
  firstLevel.forEach((j, g) => {
    size[g] = cp.ztz1[j]!;
    start[g] = k;
    for (const e of cp.cross[j]!) {
      term[k] = e.term;
      col[k] = e.col;
      m[k] = e.m[0]!;
      k++;
    }
    maxEntries = Math.max(maxEntries, cp.cross[j]!.length);
  });
  start[count] = k;
  const xx = new Float64Array(count * p * p);
  const xy = new Float64Array(count * p);
  const yy = new Float64Array(count);
  const x = new Float64Array(count * p);
  const y = new Float64Array(count);
  for (let j = 0; j < nPrimary; j++) {
    const g = groupOf[j]!;
    levels[g]!++;
    const zy = cp.zty1[j]!;
    yy[g]! += zy * zy;
    y[g]! += zy;
    for (let a = 0; a < p; a++) {
      const za = cp.ztx1[j * p + a]!;
      xy[g * p + a]! += za * zy;
      x[g * p + a]! += za;
      for (let b = 0; b <= a; b++) xx[(g * p + a) * p + b]! += za * cp.ztx1[j * p + b]!;
    }
  }
  const thetaOf = new Int32Array(q2);
  for (let ti = 1; ti < cp.terms.length; ti++) {
    const t = cp.terms[ti]!;
    for (let lv = 0; lv < t.levels.length; lv++) thetaOf[t.offset + lv] = t.thetaOffset;
  }
  const pairs: number[] = [];
  for (let a = 0; a < q2; a++) for (let b = 0; b < q2; b++) if (cp.ztz2[a * q2 + b] !== 0) pairs.push(a, b);
  const out: Groups = {
    count,
    levels,
    size,
    start,
    term,
    col,
    m,
    xx,
    xy,
    yy,
    x,
    y,
    nonzero: Int32Array.from(pairs),
    thetaOf,
    maxEntries,
  };
  cache.set(cp, out);
  return out;
}

export function solveScalarPls(cp: CrossProducts, theta: ArrayLike<number>): PlsSolution | null {
  const { p, q2, terms } = cp;
  const g = groupsOf(cp);
  const t1 = theta[terms[0]!.thetaOffset]!;
  const xtxAdj = Float64Array.from(cp.xtx);
  const xtyAdj = Float64Array.from(cp.xty);
  let r2 = cp.yty;
  let ldL2 = 0;

  const S = zeros(q2, q2);
  const SX = zeros(q2, p);
  const Sy = zeros(q2, 1);
  const s = S.data;
  const sx = SX.data;
  const sy = Sy.data;
  if (q2 > 0) {
    for (let k = 0; k < g.nonzero.length; k += 2) {
      const a = g.nonzero[k]!;
      const b = g.nonzero[k + 1]!;
      s[a * q2 + b] = theta[g.thetaOf[a]!]! * cp.ztz2[a * q2 + b]! * theta[g.thetaOf[b]!]!;
    }
    for (let a = 0; a < q2; a++) {
      const la = theta[g.thetaOf[a]!]!;
      for (let b = 0; b < p; b++) sx[a * p + b] = la * cp.ztx2[a * p + b]!;
      sy[a] = la * cp.zty2[a]!;
    }
    for (let i = 0; i < q2; i++) s[i * q2 + i]! += 1;
  }

  const tTerm = new Float64Array(terms.length);
  for (let ti = 0; ti < terms.length; ti++) tTerm[ti] = theta[terms[ti]!.thetaOffset]!;
  const W = new Float64Array(Math.max(1, g.maxEntries));
  for (let k = 0; k < g.count; k++) {
    const d = t1 * t1 * g.size[k]! + 1;
    if (!(d > 0)) return null;
    const lj = Math.sqrt(d);
    const n = g.levels[k]!;
    ldL2 += n * 2 * Math.log(lj);
    // Level j's R_j = f Z_j'X and c_j = f Z_j'y with f = θ₁/l_j.
    const f = t1 / lj;
    const f2 = f * f;
    for (let a = 0; a < p; a++) {
      xtyAdj[a]! -= f2 * g.xy[k * p + a]!;
      for (let b = 0; b <= a; b++) xtxAdj[a * p + b]! -= f2 * g.xx[(k * p + a) * p + b]!;
    }
    r2 -= f2 * g.yy[k]!;
    const e0 = g.start[k]!;
    const e1 = g.start[k + 1]!;
    for (let e = e0; e < e1; e++) {
      const w = (t1 * g.m[e]! * tTerm[g.term[e]!]!) / lj;
      W[e - e0] = w;
      const c = g.col[e]!;
      sy[c]! -= w * f * g.y[k]!;
      for (let b = 0; b < p; b++) sx[c * p + b]! -= w * f * g.x[k * p + b]!;
    }
    for (let x = e0; x < e1; x++) {
      const row = g.col[x]! * q2;
      const wx = n * W[x - e0]!;
      for (let y = e0; y < e1; y++) s[row + g.col[y]!]! -= wx * W[y - e0]!;
    }
  }

  if (q2 > 0) {
    const L2 = tryEnvelopeCholesky(S);
    if (!L2) return null;
    ldL2 += logDetCholesky(L2);
    const R2X = solveLower(L2, SX);
    const c2 = solveLower(L2, Sy);
    r2 = absorbSecondFactor(R2X, c2, p, q2, xtxAdj, xtyAdj, r2);
  }
  return fixedPart(cp, theta, xtxAdj, xtyAdj, r2, ldL2).sol;
}
