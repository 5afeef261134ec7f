import { describe, expect, it } from 'vitest';
import { near, readGolden } from '../../../../../test/support/data';
import { averageRanks, fisherInterval, pearson, spearman } from './index';

interface Golden {
  correlation: {
    data: { subject: string[]; x: number[]; y: number[] };
    pearson: { r: number; t: number; df: number; p: number; ci95: [number, number] };
    spearman: { r: number; t: number; df: number; p: number; ci95: [number, number] };
  };
}

// test/golden/association.R: cor.test(x, y) and cor.test(x, y, method = "spearman", exact = FALSE) on
// seeded data with ties in y; the Spearman CI is the Bonett–Wright Fisher-z interval computed in R.
describe('Pearson and Spearman agree with R cor.test (test/golden/association.json)', () => {
  const g = readGolden<Golden>('association.json').correlation;

  it.each(['pearson', 'spearman'] as const)('%s', (which) => {
    const res = (which === 'pearson' ? pearson : spearman)(g.data.x, g.data.y);
    const want = g[which];
    expect(res.n).toBe(g.data.x.length);
    expect(res.df).toBe(want.df);
    expect(near(res.r, want.r, 1e-6)).toBe(true);
    expect(near(res.t, want.t, 1e-6)).toBe(true);
    expect(Math.abs(res.p - want.p) / want.p).toBeLessThan(1e-6);
    expect(near(res.ci95![0], want.ci95[0], 1e-6)).toBe(true);
    expect(near(res.ci95![1], want.ci95[1], 1e-6)).toBe(true);
    expect(res.method).toMatch(which === 'pearson' ? /Pearson/ : /Spearman/);
  });
});

describe('correlation helpers', () => {
  it('average ranks for ties, as R rank()', () => {
    // R: rank(c(3, 1, 3, 2, 3)) = 4 1 4 2 4
    expect(Array.from(averageRanks([3, 1, 3, 2, 3]))).toEqual([4, 1, 4, 2, 4]);
  });

  it('Fisher interval is symmetric in z and contains r', () => {
    // R: tanh(atanh(.5) + c(-1, 1) * qnorm(.975) / sqrt(47)) = 0.2574878608 0.6832563021
    const [lo, hi] = fisherInterval(0.5, 1 / Math.sqrt(47));
    expect(lo).toBeCloseTo(0.2574878608, 9);
    expect(hi).toBeCloseTo(0.6832563021, 9);
  });

  it('perfect correlation has p = 0 and a degenerate interval; a constant is an error', () => {
    const res = pearson([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
    expect(res.r).toBe(1);
    expect(res.p).toBe(0);
    expect(() => pearson([1, 1, 1, 1], [1, 2, 3, 4])).toThrow(/does not vary/);
    expect(() => pearson([1, 2], [1, 2])).toThrow(/at least 3/);
    expect(pearson([1, 2, 3], [1, 3, 2]).ci95).toBeNull();
  });
});
