import { describe, expect, it } from 'vitest';
import { rmcorr } from './index';
import { partialRmcorr } from './partial';

const subject = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'c', 'c', 'c', 'c'];
const x = [1, 2, 4, 3, 5, 7, 6, 9, 2, 2, 5, 4];
const y = [2, 3, 3, 5, 6, 6, 8, 9, 1, 3, 4, 6];
const z = [3, 1, 2, 5, 2, 2, 4, 1, 6, 2, 3, 3];

describe('partialRmcorr', () => {
  it('is rmcorr when nothing is controlled', () => {
    const p = partialRmcorr({ subject, x, y, controls: [] });
    const r = rmcorr({ subject, x, y });
    expect(p.r).toBeCloseTo(r.r, 12);
    expect(p.df).toBe(r.df);
  });

  it('equals the correlation of residuals from a within-subject regression on the covariate', () => {
    // Independent route: centre within subjects, regress each on centred z by the closed-form slope.
    const centre = (v: number[]) =>
      v.map((vi, i) => {
        const same = v.filter((_, j) => subject[j] === subject[i]);
        return vi - same.reduce((s, t) => s + t, 0) / same.length;
      });
    const cz = centre(z);
    const res = (v: number[]) => {
      const cv = centre(v);
      const b = cv.reduce((s, t, i) => s + t * cz[i]!, 0) / cz.reduce((s, t) => s + t * t, 0);
      return cv.map((t, i) => t - b * cz[i]!);
    };
    const rx = res(x);
    const ry = res(y);
    const dot = (a: number[], b: number[]) => a.reduce((s, t, i) => s + t * b[i]!, 0);
    const expected = dot(rx, ry) / Math.sqrt(dot(rx, rx) * dot(ry, ry));
    const p = partialRmcorr({ subject, x, y, controls: [z] });
    expect(p.r).toBeCloseTo(expected, 12);
    expect(p.df).toBe(12 - 3 - 1 - 1);
    expect(p.controls).toBe(1);
  });

  it('drops a covariate that does not vary within subjects', () => {
    const constant = subject.map((s) => (s === 'a' ? 1 : s === 'b' ? 5 : 9));
    const p = partialRmcorr({ subject, x, y, controls: [constant] });
    expect(p.controls).toBe(0);
    expect(p.r).toBeCloseTo(rmcorr({ subject, x, y }).r, 12);
  });
});
