import { describe, expect, it } from 'vitest';
import { agreementWeights, sortCategories } from './agreement-weights';

describe('agreement weights', () => {
  it('linear weights are Cicchetti–Allison 1 − |i−j|/(k−1) on consecutive categories', () => {
    expect(agreementWeights([1, 2, 3], 'linear')).toEqual([
      [1, 0.5, 0],
      [0.5, 1, 0.5],
      [0, 0.5, 1],
    ]);
    expect(agreementWeights([1, 2, 3], 'quadratic')[0]).toEqual([1, 0.75, 0]);
    expect(agreementWeights(['a', 'b'], 'unweighted')).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('values and levels differ when a category is skipped', () => {
    // 1, 2, 4: by value, 2 is a third of the way from 1 to 4; by level, it is half way.
    expect(agreementWeights([1, 2, 4], 'linear', 'values')[0]![1]).toBeCloseTo(2 / 3, 15);
    expect(agreementWeights([1, 2, 4], 'linear', 'levels')[0]![1]).toBeCloseTo(1 / 2, 15);
    // Labels have no values: both conventions use positions.
    expect(agreementWeights(['lo', 'mid', 'hi'], 'quadratic', 'values')).toEqual(
      agreementWeights(['lo', 'mid', 'hi'], 'quadratic', 'levels'),
    );
  });

  it('sorts numbers numerically and labels as strings', () => {
    expect(sortCategories([10, 2, 1, 2])).toEqual([1, 2, 10]);
    expect(sortCategories(['b', 'a', 'c'])).toEqual(['a', 'b', 'c']);
  });
});
