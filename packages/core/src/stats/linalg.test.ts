import { describe, expect, it } from 'vitest';
import {
  cholesky,
  choleskyInverse,
  choleskySolve,
  crossprod,
  fromRows,
  inverse,
  logDetCholesky,
  logDeterminant,
  multiply,
  solve,
  symmetricEigen,
  symmetricPseudoInverse,
  toRows,
  transpose,
  tryCholesky,
  tryEnvelopeCholesky,
} from './linalg';

// Expected values printed by R 4.2 with options(digits = 15):
//   A <- matrix(c(4,2,.6,-1, 2,5,1.5,.3, .6,1.5,3,.2, -1,.3,.2,2), 4)
//   t(chol(A)); determinant(A)$modulus; solve(A, 1:4); eigen(A)
//   B <- matrix(c(0,2,1, 1,1,3, 2,-1,0), 3); solve(B); determinant(B)
const A = fromRows([
  [4, 2, 0.6, -1],
  [2, 5, 1.5, 0.3],
  [0.6, 1.5, 3, 0.2],
  [-1, 0.3, 0.2, 2],
]);
const B = fromRows([
  [0, 1, 2],
  [2, 1, -1],
  [1, 3, 0],
]);

function expectClose(actual: number[][], expected: number[][], tol: number) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - expected[i]![j]!)).toBeLessThan(tol)));
}

describe('linalg agrees with R', () => {
  it('Cholesky factor, log-determinant and solve', () => {
    const L = cholesky(A);
    expectClose(
      toRows(L),
      [
        [2, 0, 0, 0],
        [1, 2, 0, 0],
        [0.3, 0.6, 1.5968719422671311, 0],
        [-0.5, 0.4, 0.0688846720193665, 1.25906906163275],
      ],
      1e-14,
    );
    expect(logDetCholesky(L)).toBeCloseTo(4.16942729723534, 13);
    const x = choleskySolve(L, fromRows([[1], [2], [3], [4]]));
    expectClose(toRows(x), [[0.911741787057194], [-0.36123342568771], [0.83650801504057], [2.426405105877697]], 1e-14);
    expectClose(
      toRows(multiply(choleskyInverse(L), A)),
      toRows(
        fromRows([
          [1, 0, 0, 0],
          [0, 1, 0, 0],
          [0, 0, 1, 0],
          [0, 0, 0, 1],
        ]),
      ),
      1e-14,
    );
  });

  it('general solve, inverse and determinant (LU with pivoting; B has a zero pivot unpivoted)', () => {
    expectClose(
      toRows(inverse(B)),
      [
        [1 / 3, 2 / 3, -1 / 3],
        [-1 / 9, -2 / 9, 4 / 9],
        [5 / 9, 1 / 9, -2 / 9],
      ],
      1e-15,
    );
    const d = logDeterminant(B);
    expect(d.logAbs).toBeCloseTo(2.19722457733622, 13);
    expect(d.sign).toBe(1);
    expectClose(toRows(solve(B, fromRows([[1], [0], [0]]))), [[1 / 3], [-1 / 9], [5 / 9]], 1e-15);
  });

  it('symmetric eigenvalues (descending) and the leading vector up to sign', () => {
    const { values, vectors } = symmetricEigen(A);
    expect(Array.from(values).map((v) => +v.toFixed(12))).toEqual([
      7.160770697635, 3.479730047799, 2.154999135239, 1.204500119327,
    ]);
    const v1 = toRows(vectors).map((r) => r[0]!);
    const sign = Math.sign(v1[0]!);
    expectClose(
      [v1.map((v) => v * sign)],
      [[0.5577715230136289, 0.7513924559134956, 0.3488718139056043, -0.0508798857462899]],
      1e-12,
    );
  });

  it('pseudo-inverse drops eigenvalues below tolerance', () => {
    const S = fromRows([
      [1, 1],
      [1, 1],
    ]);
    const { inverse: P, dropped } = symmetricPseudoInverse(S);
    expect(dropped).toHaveLength(1);
    expectClose(
      toRows(P),
      [
        [0.25, 0.25],
        [0.25, 0.25],
      ],
      1e-15,
    );
  });

  it('envelope Cholesky equals the dense factor and skips structural zeros', () => {
    const blocks = fromRows([
      [4, 2, 0, 0, 1],
      [2, 5, 0, 0, 0.5],
      [0, 0, 3, 1, 0],
      [0, 0, 1, 2, 0.2],
      [1, 0.5, 0, 0.2, 6],
    ]);
    expectClose(toRows(tryEnvelopeCholesky(blocks)!), toRows(cholesky(blocks)), 1e-15);
    expect(
      tryEnvelopeCholesky(
        fromRows([
          [1, 2],
          [2, 1],
        ]),
      ),
    ).toBeNull();
    expect(
      tryCholesky(
        fromRows([
          [1, 2],
          [2, 1],
        ]),
      ),
    ).toBeNull();
  });

  it('crossprod equals transpose times itself', () => {
    const X = fromRows([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(toRows(crossprod(X))).toEqual([
      [35, 44],
      [44, 56],
    ]);
    expect(toRows(multiply(transpose(X), X))).toEqual([
      [35, 44],
      [44, 56],
    ]);
  });
});
