import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { buildDesign } from './design';
import { crossProducts, solvePls } from './deviance';
import { parseFormula } from './formula';
import { fitLmm } from './index';

/** Clients of unequal length nested in therapists, plus a crossed rater factor: many groups, some shared. */
function data(clients: number) {
  const rng = createRng(11);
  const z = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const cols = {
    y: [] as number[],
    x: [] as number[],
    client: [] as string[],
    therapist: [] as string[],
    rater: [] as string[],
  };
  for (let c = 0; c < clients; c++) {
    const level = 8 * z();
    const sessions = 3 + (c % 4);
    for (let s = 0; s < sessions; s++) {
      const x = 50 + 10 * z();
      cols.x.push(x);
      cols.y.push(20 + 0.6 * x + level + 4 * z());
      cols.client.push(`C${c}`);
      cols.therapist.push(`T${c % 7}`);
      cols.rater.push(`R${s % 3}`);
    }
  }
  return cols;
}

describe('random intercepts: the grouped evaluation', () => {
  const formulas = [
    'y ~ x + (1 | client)',
    'y ~ x + (1 | client) + (1 | therapist)',
    'y ~ x + (1 | client) + (1 | therapist) + (1 | rater)',
  ];
  it.each(formulas)('gives the general block solution to rounding at any θ: %s', (formula) => {
    const cp = crossProducts(buildDesign(parseFormula(formula), data(60)));
    for (const t of [0, 0.3, 1, 2.5]) {
      const theta = cp.start.map((_, i) => t + 0.1 * i);
      const fast = solvePls(cp, theta)!;
      const general = solvePls(cp, theta, true)!;
      expect(Math.abs(fast.r2 / general.r2 - 1)).toBeLessThan(1e-11);
      expect(Math.abs(fast.ldL2 - general.ldL2)).toBeLessThan(1e-9 * Math.max(1, Math.abs(general.ldL2)));
      expect(Math.abs(fast.ldRX2 - general.ldRX2)).toBeLessThan(1e-9 * Math.max(1, Math.abs(general.ldRX2)));
      fast.beta.forEach((b, i) => expect(Math.abs(b - general.beta[i]!)).toBeLessThan(1e-9 * (1 + Math.abs(b))));
    }
  });

  it('fits 1,000 clients of 10 sessions under 20 therapists (20 groups of clients)', () => {
    const rng = createRng(3);
    const z = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const cols = { y: [] as number[], x: [] as number[], client: [] as string[], therapist: [] as string[] };
    for (let c = 0; c < 1000; c++) {
      const level = 10 * z();
      for (let s = 0; s < 10; s++) {
        const latent = 60 + level + 8 * z();
        cols.x.push(latent + 9 * z());
        cols.y.push(latent + 5 * z());
        cols.client.push(`C${c}`);
        cols.therapist.push(`T${c % 20}`);
      }
    }
    const fit = fitLmm(cols, 'y ~ x + (1 | client) + (1 | therapist)');
    expect(fit.converged).toBe(true);
    expect(fit.fixed[1]!.estimate).toBeGreaterThan(0.5);
    expect(fit.random.map((r) => r.levels)).toEqual([1000, 20]);
  });
});
