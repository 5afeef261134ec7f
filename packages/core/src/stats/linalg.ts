/**
 * Dense linear algebra for the statistics: small symmetric systems (mixed-model blocks, Hessians, normal
 * equations). Matrices are row-major Float64Arrays with their shape; nothing here allocates per element, so
 * the same helpers serve both one-off solves and inner loops.
 */

export interface Matrix {
  rows: number;
  cols: number;
  /** Row-major: element (i, j) is data[i * cols + j]. */
  data: Float64Array;
}

export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function identity(n: number): Matrix {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

export function fromRows(rows: ReadonlyArray<ReadonlyArray<number>>): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0]!.length;
  const m = zeros(r, c);
  rows.forEach((row, i) => {
    if (row.length !== c) throw new RangeError(`row ${i} has ${row.length} columns, expected ${c}`);
    m.data.set(row, i * c);
  });
  return m;
}

export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

export function get(m: Matrix, i: number, j: number): number {
  return m.data[i * m.cols + j]!;
}

export function transpose(a: Matrix): Matrix {
  const t = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) t.data[j * a.rows + i] = a.data[i * a.cols + j]!;
  return t;
}

export function multiply(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new RangeError(`cannot multiply ${a.rows}x${a.cols} by ${b.rows}x${b.cols}`);
  const c = zeros(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const aik = a.data[i * a.cols + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < b.cols; j++) c.data[i * b.cols + j]! += aik * b.data[k * b.cols + j]!;
    }
  }
  return c;
}

/** A' A, the cross-product, exploiting symmetry. */
export function crossprod(a: Matrix): Matrix {
  const n = a.cols;
  const c = zeros(n, n);
  for (let r = 0; r < a.rows; r++) {
    const off = r * n;
    for (let i = 0; i < n; i++) {
      const ai = a.data[off + i]!;
      if (ai === 0) continue;
      for (let j = 0; j <= i; j++) c.data[i * n + j]! += ai * a.data[off + j]!;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) c.data[j * n + i] = c.data[i * n + j]!;
  return c;
}

export function matVec(a: Matrix, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let j = 0; j < a.cols; j++) s += a.data[i * a.cols + j]! * x[j]!;
    y[i] = s;
  }
  return y;
}

/**
 * Lower Cholesky factor L (A = L L'), or null when A is not numerically positive definite. Only the lower
 * triangle of A is read.
 */
export function tryCholesky(a: Matrix): Matrix | null {
  const n = a.rows;
  if (a.cols !== n) throw new RangeError('Cholesky needs a square matrix');
  const l = zeros(n, n);
  const L = l.data;
  const A = a.data;
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j]!;
    for (let k = 0; k < j; k++) d -= L[j * n + k]! * L[j * n + k]!;
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = s / ljj;
    }
  }
  return l;
}

export function cholesky(a: Matrix): Matrix {
  const l = tryCholesky(a);
  if (!l) throw new RangeError('matrix is not positive definite');
  return l;
}

/**
 * Cholesky of a symmetric positive definite matrix whose rows start with runs of zeros (an envelope, or
 * profile). The factor has the same envelope, so a block-diagonal or banded matrix costs only its blocks or
 * band; a dense one costs the usual n³/3. Used by the mixed model, where nested grouping factors make the
 * matrix block-diagonal after ordering.
 */
export function tryEnvelopeCholesky(a: Matrix): Matrix | null {
  const n = a.rows;
  const A = a.data;
  const first = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let f = i;
    for (let j = 0; j < i; j++) {
      if (A[i * n + j] !== 0) {
        f = j;
        break;
      }
    }
    first[i] = f;
  }
  const l = zeros(n, n);
  const L = l.data;
  for (let i = 0; i < n; i++) {
    const fi = first[i]!;
    for (let j = fi; j <= i; j++) {
      let s = A[i * n + j]!;
      const k0 = Math.max(fi, first[j]!);
      for (let k = k0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      if (j === i) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / L[j * n + j]!;
      }
    }
  }
  return l;
}

/** Solves L x = b for lower-triangular L; b may hold several right-hand sides as columns. */
export function solveLower(l: Matrix, b: Matrix): Matrix {
  const n = l.rows;
  const m = b.cols;
  const x = { rows: n, cols: m, data: Float64Array.from(b.data) };
  for (let i = 0; i < n; i++) {
    const lii = l.data[i * n + i]!;
    for (let c = 0; c < m; c++) {
      let s = x.data[i * m + c]!;
      for (let k = 0; k < i; k++) s -= l.data[i * n + k]! * x.data[k * m + c]!;
      x.data[i * m + c] = s / lii;
    }
  }
  return x;
}

/** Solves L' x = b for lower-triangular L. */
export function solveLowerTransposed(l: Matrix, b: Matrix): Matrix {
  const n = l.rows;
  const m = b.cols;
  const x = { rows: n, cols: m, data: Float64Array.from(b.data) };
  for (let i = n - 1; i >= 0; i--) {
    const lii = l.data[i * n + i]!;
    for (let c = 0; c < m; c++) {
      let s = x.data[i * m + c]!;
      for (let k = i + 1; k < n; k++) s -= l.data[k * n + i]! * x.data[k * m + c]!;
      x.data[i * m + c] = s / lii;
    }
  }
  return x;
}

/** x with A x = b, given A's lower Cholesky factor. */
export function choleskySolve(l: Matrix, b: Matrix): Matrix {
  return solveLowerTransposed(l, solveLower(l, b));
}

/** A⁻¹ from A's lower Cholesky factor. */
export function choleskyInverse(l: Matrix): Matrix {
  return choleskySolve(l, identity(l.rows));
}

/** log |A| from A's lower Cholesky factor. */
export function logDetCholesky(l: Matrix): number {
  let s = 0;
  for (let i = 0; i < l.rows; i++) s += Math.log(l.data[i * l.rows + i]!);
  return 2 * s;
}

/** LU decomposition with partial pivoting, for general square systems. */
function luDecompose(a: Matrix): { lu: Float64Array; perm: Int32Array; sign: number } {
  const n = a.rows;
  if (a.cols !== n) throw new RangeError('LU needs a square matrix');
  const lu = Float64Array.from(a.data);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let sign = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    let max = Math.abs(lu[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]!);
      if (v > max) {
        max = v;
        p = i;
      }
    }
    if (max === 0) throw new RangeError('matrix is singular');
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j]!;
        lu[k * n + j] = lu[p * n + j]!;
        lu[p * n + j] = t;
      }
      const t = perm[k]!;
      perm[k] = perm[p]!;
      perm[p] = t;
      sign = -sign;
    }
    const pivot = lu[k * n + k]!;
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k]! /= pivot);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) lu[i * n + j]! -= f * lu[k * n + j]!;
    }
  }
  return { lu, perm, sign };
}

/** x with A x = b for a general nonsingular square A (LU with partial pivoting). */
export function solve(a: Matrix, b: Matrix): Matrix {
  const n = a.rows;
  const m = b.cols;
  const { lu, perm } = luDecompose(a);
  const x = zeros(n, m);
  for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) x.data[i * m + c] = b.data[perm[i]! * m + c]!;
  for (let i = 0; i < n; i++)
    for (let k = 0; k < i; k++) {
      const f = lu[i * n + k]!;
      if (f !== 0) for (let c = 0; c < m; c++) x.data[i * m + c]! -= f * x.data[k * m + c]!;
    }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const f = lu[i * n + k]!;
      if (f !== 0) for (let c = 0; c < m; c++) x.data[i * m + c]! -= f * x.data[k * m + c]!;
    }
    const d = lu[i * n + i]!;
    for (let c = 0; c < m; c++) x.data[i * m + c]! /= d;
  }
  return x;
}

export function inverse(a: Matrix): Matrix {
  return solve(a, identity(a.rows));
}

/** log |det A| and the sign of det A, for a general square matrix. */
export function logDeterminant(a: Matrix): { logAbs: number; sign: number } {
  const n = a.rows;
  const { lu, sign } = luDecompose(a);
  let s = sign;
  let logAbs = 0;
  for (let i = 0; i < n; i++) {
    const d = lu[i * n + i]!;
    if (d < 0) s = -s;
    logAbs += Math.log(Math.abs(d));
  }
  return { logAbs, sign: s };
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: accurate to machine precision for
 * the small matrices it is meant for (Hessians of a few variance parameters). Values descend, as R's eigen()
 * returns them; vectors are the columns of `vectors`.
 */
export function symmetricEigen(a: Matrix): { values: Float64Array; vectors: Matrix } {
  const n = a.rows;
  const A = Float64Array.from(a.data);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) A[i * n + j] = A[j * n + i] = (A[i * n + j]! + A[j * n + i]!) / 2;
  const V = identity(n).data;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const v = A[i * n + j]! * A[i * n + j]!;
        total += v;
        if (i !== j) off += v;
      }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (apq === 0) continue;
        const theta = (A[q * n + q]! - A[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p]!;
          const akq = A[k * n + q]!;
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k]!;
          const aqk = A[q * n + k]!;
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p]!;
          const vkq = V[k * n + q]!;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[j * n + j]! - A[i * n + i]!);
  const values = Float64Array.from(order.map((i) => A[i * n + i]!));
  const vectors = zeros(n, n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors.data[k * n + dst] = V[k * n + src]!;
  });
  return { values, vectors };
}

/**
 * Moore–Penrose-style inverse of a symmetric matrix from its eigen-decomposition, keeping only eigenvalues
 * above `tol` (as lmerTest inverts the Hessian of the variance parameters).
 */
export function symmetricPseudoInverse(a: Matrix, tol = 1e-8): { inverse: Matrix; dropped: number[] } {
  const n = a.rows;
  const { values, vectors } = symmetricEigen(a);
  const out = zeros(n, n);
  const dropped: number[] = [];
  for (let e = 0; e < n; e++) {
    const v = values[e]!;
    if (!(v > tol)) {
      dropped.push(v);
      continue;
    }
    for (let i = 0; i < n; i++) {
      const vi = vectors.data[i * n + e]! / v;
      if (vi === 0) continue;
      for (let j = 0; j < n; j++) out.data[i * n + j]! += vi * vectors.data[j * n + e]!;
    }
  }
  return { inverse: out, dropped };
}
