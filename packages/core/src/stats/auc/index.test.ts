import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { auc, aucWithCi } from './index';

describe('auc', () => {
  it('matches R: wilcox.test(x, y)$statistic / (nx * ny), ties included', () => {
    // Rscript -e 'x <- c(0.9,0.8,0.8,0.75,0.6,0.55,0.4); y <- c(0.7,0.6,0.5,0.45,0.3);
    //   w <- wilcox.test(x, y, exact=FALSE)$statistic; cat(w/(length(x)*length(y)))'  -> 0.7857142857
    const x = [0.9, 0.8, 0.8, 0.75, 0.6, 0.55, 0.4];
    const y = [0.7, 0.6, 0.5, 0.45, 0.3];
    const scores = [...y.slice(0, 2), ...x, ...y.slice(2)];
    const labels = [false, false, ...x.map(() => true), false, false, false];
    expect(auc(scores, labels)).toBeCloseTo(0.7857142857, 9);
  });

  it('is 1 for perfect separation, 0 for perfect inversion and 0.5 when every score ties', () => {
    expect(auc([3, 4, 1, 2], [true, true, false, false])).toBe(1);
    expect(auc([1, 2, 3, 4], [true, true, false, false])).toBe(0);
    expect(auc([5, 5, 5], [true, false, false])).toBe(0.5);
  });

  it('refuses one-class data and mismatched lengths', () => {
    expect(() => auc([1, 2], [true, true])).toThrow(/positive and one negative/);
    expect(() => auc([1, 2], [true])).toThrow(/2 scores but 1 labels/);
    expect(() => auc([1, Number.NaN], [true, false])).toThrow(/finite/);
  });
});

describe('aucWithCi', () => {
  const rng = createRng(7);
  const labels = Array.from({ length: 60 }, (_, i) => i % 4 !== 0);
  const scores = labels.map((p) => (p ? 0.6 : 0.4) + (rng.next() - 0.5) * 0.6);

  it('gives the same interval for the same seed and brackets the estimate', () => {
    const a = aucWithCi(scores, labels, { seed: 11, resamples: 500 });
    const b = aucWithCi(scores, labels, { seed: 11, resamples: 500 });
    expect(a).toEqual(b);
    expect(a.ci[0]).toBeLessThanOrEqual(a.estimate);
    expect(a.ci[1]).toBeGreaterThanOrEqual(a.estimate);
    expect(a.nPositive).toBe(45);
    expect(a.nNegative).toBe(15);
    expect(a.method).toMatch(/stratified percentile bootstrap, 500 resamples, seed 11/);
  });

  it('gives a different interval for another seed and a narrower one at a lower level', () => {
    const a = aucWithCi(scores, labels, { seed: 11, resamples: 500 });
    const c = aucWithCi(scores, labels, { seed: 12, resamples: 500 });
    expect(c.ci).not.toEqual(a.ci);
    const narrow = aucWithCi(scores, labels, { seed: 11, resamples: 500, level: 0.5 });
    expect(narrow.ci[1] - narrow.ci[0]).toBeLessThan(a.ci[1] - a.ci[0]);
  });
});
