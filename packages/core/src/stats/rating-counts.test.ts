import { describe, expect, it } from 'vitest';
import { agreementWeights } from './agreement-weights';
import { agreementCore, ratingCounts } from './rating-counts';

describe('rating counts', () => {
  it('count raters per subject and category, leaving out subjects nobody rated', () => {
    const rc = ratingCounts([
      ['b', 'a', null],
      [null, null, null],
      ['a', 'a', 'a'],
    ]);
    expect(rc.categories).toEqual(['a', 'b']);
    expect(rc.counts).toEqual([
      [1, 1],
      [3, 0],
    ]);
    expect(rc.unrated).toBe(1);
    expect(rc.raters).toBe(3);
    expect(() => ratingCounts([['c']], ['a', 'b'])).toThrow(/not one of the categories/);
  });

  it('percent agreement averages pairwise agreement over subjects rated at least twice', () => {
    // Subject 1: 2 of 6 ordered pairs agree; subject 2: all agree; subject 3 is rated once and does not count.
    const core = agreementCore(
      [
        [2, 1],
        [3, 0],
        [0, 1],
      ],
      agreementWeights(['a', 'b'], 'unweighted'),
    );
    expect(core.n2).toBe(2);
    expect(core.pa).toBeCloseTo((2 / 6 + 1) / 2, 14);
    // π_a = mean over all three rated subjects of the share of their ratings in a.
    expect(core.pi[0]).toBeCloseTo((2 / 3 + 1 + 0) / 3, 14);
  });
});
