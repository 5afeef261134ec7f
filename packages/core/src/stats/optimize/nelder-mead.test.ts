import { describe, expect, it } from 'vitest';
import { nelderMead } from './nelder-mead';

const rosenbrock = (x: number[]) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;

describe('Nelder–Mead', () => {
  it('minimises Rosenbrock within bounds', () => {
    const r = nelderMead(rosenbrock, [-1.2, 1], { maxEvaluations: 5000 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[1]).toBeCloseTo(1, 4);
    const b = nelderMead(rosenbrock, [1, 2], { lower: [-2, 1.5], maxEvaluations: 5000 });
    expect(b.x[1]).toBeCloseTo(1.5, 8);
    expect(b.x[0]).toBeCloseTo(1.22437074815174, 4);
  });
});
