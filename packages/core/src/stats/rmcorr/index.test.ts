import { describe, expect, it } from 'vitest';
import { near, readGolden, readReference } from '../../../../../test/support/data';
import { rmcorr, rmcorrInterval } from './index';

interface Gilden {
  data: { sub: number[]; rt: number[]; acc: number[] };
  expected_published: { CI95_lower_3dp: number; CI99_lower_3dp: number };
  expected_full_precision: { r: number; df: number; p: number; CI95: [number, number]; CI99: [number, number] };
}

describe('rmcorr: Gilden, Thornton & Marusich (2010), test/reference/rmcorr_gilden2010.json', () => {
  const ref = readReference<Gilden>('rmcorr_gilden2010.json');
  const res = rmcorr({ subject: ref.data.sub, x: ref.data.rt, y: ref.data.acc });
  const full = ref.expected_full_precision;

  it('matches the published CI lower bounds (rmcorr tests, 3 dp)', () => {
    expect(Math.abs(res.ci95![0] - ref.expected_published.CI95_lower_3dp)).toBeLessThanOrEqual(0.0005);
    expect(
      Math.abs(rmcorrInterval(res.r, res.df, 0.99)![0] - ref.expected_published.CI99_lower_3dp),
    ).toBeLessThanOrEqual(0.0005);
  });

  it('matches r, df, p and both intervals at full precision', () => {
    expect(res.df).toBe(full.df);
    expect(res.n).toBe(44);
    expect(res.subjects).toBe(11);
    expect(near(res.r, full.r, 1e-6)).toBe(true);
    expect(near(res.p, full.p, 1e-6)).toBe(true);
    full.CI95.forEach((v, i) => expect(near(res.ci95![i]!, v, 1e-6)).toBe(true));
    const ci99 = rmcorrInterval(res.r, res.df, 0.99)!;
    full.CI99.forEach((v, i) => expect(near(ci99[i]!, v, 1e-6)).toBe(true));
  });
});

interface Golden {
  correlation: {
    data: { subject: string[]; x: number[]; y: number[] };
    rmcorr: { r: number; df: number; p: number; ci95: [number, number]; n: number; subjects: number };
  };
}

// test/golden/association.R: the ANCOVA lm(y ~ factor(subject) + x) that rmcorr::rmcorr fits.
describe('rmcorr agrees with the R ANCOVA (test/golden/association.json)', () => {
  it('r, df, p, CI on unbalanced seeded data', () => {
    const g = readGolden<Golden>('association.json').correlation;
    const res = rmcorr(g.data);
    expect(res.df).toBe(g.rmcorr.df);
    expect(res.n).toBe(g.rmcorr.n);
    expect(res.subjects).toBe(g.rmcorr.subjects);
    expect(near(res.r, g.rmcorr.r, 1e-6)).toBe(true);
    expect(Math.abs(res.p - g.rmcorr.p) / g.rmcorr.p).toBeLessThan(1e-6);
    g.rmcorr.ci95.forEach((v, i) => expect(near(res.ci95![i]!, v, 1e-6)).toBe(true));
  });

  it('is unchanged by adding a constant per subject (only within-subject variation counts)', () => {
    const g = readGolden<Golden>('association.json').correlation;
    const shifted = g.data.x.map((v, i) => v + 10 * Number(g.data.subject[i]!.slice(1)));
    expect(near(rmcorr({ ...g.data, x: shifted }).r, g.rmcorr.r, 1e-9)).toBe(true);
  });

  it('refuses one subject, or no residual df', () => {
    expect(() => rmcorr({ subject: ['a', 'a', 'a'], x: [1, 2, 3], y: [1, 3, 2] })).toThrow(/two subjects/);
    expect(() => rmcorr({ subject: ['a', 'a', 'b'], x: [1, 2, 3], y: [1, 3, 2] })).toThrow(/more observations/);
  });
});
