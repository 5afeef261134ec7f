import { describe, expect, it } from 'vitest';
import { createRng, quantileSorted, resampleDraws } from './random';

describe('seeded random numbers', () => {
  it('repeat exactly for a seed and differ between seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xa = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(xa);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(xa);
  });

  it('draw integers uniformly over [0, n)', () => {
    const r = createRng(7);
    const counts = new Array(6).fill(0);
    const draws = 60_000;
    for (let i = 0; i < draws; i++) counts[r.int(6)]++;
    // Chi-square with 5 df: 20.5 is its 0.999 quantile, so a fair generator fails this once in a thousand seeds.
    const chi = counts.reduce((s, c) => s + (c - draws / 6) ** 2 / (draws / 6), 0);
    expect(chi).toBeLessThan(20.5);
    for (let i = 0; i < 1000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });

  it('quantiles interpolate like R type 7', () => {
    // R: quantile(c(1, 2, 4, 8, 16), c(0.025, 0.5, 0.975)) = 1.1, 4, 15.2
    const s = [1, 2, 4, 8, 16];
    expect(quantileSorted(s, 0.025)).toBeCloseTo(1.1, 12);
    expect(quantileSorted(s, 0.5)).toBe(4);
    expect(quantileSorted(s, 0.975)).toBeCloseTo(15.2, 12);
  });
});

describe('resampleDraws', () => {
  it('gives the indices createRng(seed).int(n) draws one by one, kept or streamed', () => {
    const expected = (seed: number, n: number, resamples: number) => {
      const rng = createRng(seed);
      return Array.from({ length: resamples }, () => Array.from({ length: n }, () => rng.int(n)));
    };
    const kept = resampleDraws(5, 37, 20);
    expect(Array.from({ length: 20 }, (_, b) => Array.from(kept(b)))).toEqual(expected(5, 37, 20));
    // Asked again, the same draws (from the kept copy).
    expect(Array.from(resampleDraws(5, 37, 20)(19))).toEqual(expected(5, 37, 20)[19]);
    // Beyond what is kept (n · resamples > 4M), drawn as they are asked for, in order.
    const streamed = resampleDraws(9, 2_000_001, 3);
    const rng = createRng(9);
    for (let b = 0; b < 3; b++) {
      const d = streamed(b);
      for (let i = 0; i < 2_000_001; i++)
        if (d[i] !== rng.int(2_000_001)) throw new Error(`resample ${b}, draw ${i} differs`);
    }
  });
});
