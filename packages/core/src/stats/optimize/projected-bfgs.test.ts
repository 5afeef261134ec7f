import { describe, expect, it } from 'vitest';
import { minimizeBounded } from './projected-bfgs';

const rosenbrock = (x: number[]) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;

describe('bounded minimisation', () => {
  it('finds the unconstrained Rosenbrock minimum (1, 1)', () => {
    const r = minimizeBounded(rosenbrock, [-1.2, 1]);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
  });

  // With x2 >= 1.5 the minimum lies on the bound, at the root of d/da [100(1.5 - a²)² + (1 - a)²]; R:
  //   optimize(function(a) 100*(1.5-a^2)^2+(1-a)^2, c(.5, 2), tol = 1e-12)$minimum = 1.22437074815174
  //   (optim L-BFGS-B from c(1, 2) agrees to 6 digits).
  it('stops on an active bound with the projected gradient zero', () => {
    const r = minimizeBounded(rosenbrock, [1, 2], { lower: [-2, 1.5] });
    expect(r.converged).toBe(true);
    expect(r.x[1]).toBe(1.5);
    expect(r.x[0]).toBeCloseTo(1.22437074815174, 6);
    expect(r.value).toBeCloseTo(0.0504261878936073, 10);
  });

  it('holds a variance-like parameter at zero when the unconstrained optimum is negative', () => {
    const r = minimizeBounded((x) => (x[0]! + 0.5) ** 2 + (x[1]! - 2) ** 2 + x[0]! * x[1]! * 0.1, [1, 1], {
      lower: [0, -Infinity],
    });
    expect(r.x[0]).toBe(0);
    expect(r.x[1]).toBeCloseTo(2, 7);
  });

  // Like a deviance in a standard deviation: even about the bound, so the gradient on the bound is zero
  // although the minimum lies inside (at x = 1 here).
  it('leaves a zero-gradient saddle on a bound', () => {
    const r = minimizeBounded((x) => (x[0]! ** 2 - 1) ** 2 + (x[1]! - 0.5) ** 2, [0, 0], { lower: [0, 0] });
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(0.5, 6);
  });

  it('uses an analytic gradient when given', () => {
    let calls = 0;
    const r = minimizeBounded(
      (x) => {
        calls++;
        return (x[0]! - 3) ** 2 + 10 * (x[1]! + 1) ** 2;
      },
      [0, 0],
      { gradient: (x) => [2 * (x[0]! - 3), 20 * (x[1]! + 1)] },
    );
    expect(r.x[0]).toBeCloseTo(3, 8);
    expect(r.x[1]).toBeCloseTo(-1, 8);
    expect(calls).toBe(r.evaluations);
  });
});
