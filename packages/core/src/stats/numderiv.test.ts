import { describe, expect, it } from 'vitest';
import { gradient, hessian, jacobian } from './numderiv';

// numDeriv 2016.8-1.1 in R 4.2, options(digits = 15):
//   f <- function(x) exp(x[1])*sin(x[2]) + x[1]^2*x[2]^3; numDeriv::hessian(f, c(0.7, 1.3))
//   numDeriv::jacobian(function(x) c(x[1]*x[2], exp(x[2]-x[1])), c(0.4, 0))
// The second Jacobian column is evaluated at x = 0, where numDeriv switches to its absolute step.
describe('Richardson derivatives reproduce numDeriv', () => {
  const f = (x: number[]) => Math.exp(x[0]!) * Math.sin(x[1]!) + x[0]! ** 2 * x[1]! ** 3;

  it('hessian', () => {
    const H = hessian(f, [0.7, 1.3]);
    const R = [
      [6.33436790468542, 7.63667649038862],
      [7.63667649038862, 1.88163209531056],
    ];
    H.forEach((row, i) =>
      row.forEach((v, j) => expect(Math.abs(v - R[i]![j]!) / Math.abs(R[i]![j]!)).toBeLessThan(1e-11)),
    );
  });

  it('jacobian', () => {
    const J = jacobian((x) => [x[0]! * x[1]!, Math.exp(x[1]! - x[0]!)], [0.4, 0]);
    expect(Math.abs(J[0]![0]!)).toBeLessThan(1e-14);
    expect(J[0]![1]).toBeCloseTo(0.4, 12);
    expect(J[1]![0]).toBeCloseTo(-0.670320046016681, 10);
    expect(J[1]![1]).toBeCloseTo(0.67032004603442, 10);
  });

  it('gradient of a quadratic is exact', () => {
    const g = gradient((x) => 3 * x[0]! ** 2 - 2 * x[0]! * x[1]! + x[1]! ** 2, [1, 2]);
    expect(g[0]).toBeCloseTo(2, 10);
    expect(g[1]).toBeCloseTo(2, 10);
  });
});
