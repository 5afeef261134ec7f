import { describe, expect, it } from 'vitest';
import { near, readGolden } from '../../../../../test/support/data';
import { withinBetween } from './index';

type Part = { r: number; t: number; df: number; p: number; ci95: [number, number]; n: number };
interface Golden {
  correlation: {
    data: { subject: string[]; x: number[]; y: number[] };
    between: Part;
    within: Part;
    pearson: { r: number };
  };
}

// test/golden/association.R: cor.test() of client means (between); cor() of client-mean-centred values
// with its t test on N − k − 1 df (within). The seeded data make the two point in opposite directions,
// the case where a pooled correlation misleads.
describe('within/between decomposition agrees with R (test/golden/association.json)', () => {
  const g = readGolden<Golden>('association.json').correlation;
  const res = withinBetween(g.data);

  it.each(['between', 'within'] as const)('%s', (part) => {
    const want = g[part];
    const got = res[part];
    expect(got.n).toBe(want.n);
    expect(got.df).toBe(want.df);
    expect(near(got.r, want.r, 1e-6)).toBe(true);
    expect(near(got.t, want.t, 1e-6)).toBe(true);
    expect(Math.abs(got.p! - want.p) / want.p).toBeLessThan(1e-6);
    want.ci95.forEach((v, i) => expect(near(got.ci95![i]!, v, 1e-6)).toBe(true));
  });

  it('shows the parts disagreeing in sign with the pooled correlation', () => {
    expect(res.between.r).toBeLessThan(0);
    expect(res.within.r).toBeGreaterThan(0);
    expect(g.pearson.r).toBeLessThan(0);
  });

  it('needs three clients', () => {
    expect(() => withinBetween({ subject: ['a', 'a', 'b', 'b'], x: [1, 2, 3, 4], y: [1, 3, 2, 5] })).toThrow(
      /three clients/,
    );
  });
});
