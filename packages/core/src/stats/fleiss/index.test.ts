import { describe, expect, it } from 'vitest';
import { near, readGolden, readReference } from '../../../../../test/support/data';
import { fleissKappa, fleissKappaFromCounts } from './index';

describe("Fleiss' kappa: Wikipedia worked example, 10 subjects x 14 raters (test/reference/fleiss_kappa_wikipedia.json)", () => {
  const ref = readReference<{
    counts: number[][];
    expected_published: { kappa: number; Pbar: number; Pe: number; p_j_3dp: number[] };
    expected_full_precision: { kappa: number; Pbar: number; Pe: number; p_j: number[] };
  }>('fleiss_kappa_wikipedia.json');
  const r = fleissKappaFromCounts(ref.counts, [1, 2, 3, 4, 5]);

  it('kappa, P-bar, P-bar-e and p_j at 3 dp and at full precision (1e-6)', () => {
    expect(Math.abs(r.kappa! - ref.expected_published.kappa)).toBeLessThanOrEqual(0.0005);
    expect(Math.abs(r.pa! - ref.expected_published.Pbar)).toBeLessThanOrEqual(0.0005);
    expect(Math.abs(r.pe! - ref.expected_published.Pe)).toBeLessThanOrEqual(0.0005);
    expect(near(r.kappa!, ref.expected_full_precision.kappa, 1e-6)).toBe(true);
    expect(near(r.pa, ref.expected_full_precision.Pbar, 1e-6)).toBe(true);
    expect(near(r.pe, ref.expected_full_precision.Pe, 1e-6)).toBe(true);
    r.categories.forEach((c, j) => {
      expect(Math.abs(c.proportion - ref.expected_published.p_j_3dp[j]!)).toBeLessThanOrEqual(0.0005);
      expect(near(c.proportion, ref.expected_full_precision.p_j[j]!, 1e-6)).toBe(true);
    });
    expect(r.n).toBe(10);
    expect(r.raters).toBe(14);
    expect(r.balanced).toBe(true);
  });

  it('per-category kappas are Fleiss (1971) 1 − Σ x(m − x) / (n m (m − 1) p q)', () => {
    const n = 10;
    const m = 14;
    r.categories.forEach((c, j) => {
      const p = c.proportion;
      const s = ref.counts.reduce((acc, row) => acc + row[j]! * (m - row[j]!), 0);
      expect(c.kappa!).toBeCloseTo(1 - s / (n * m * (m - 1) * p * (1 - p)), 12);
    });
    // Fleiss' kappa is the p_j q_j-weighted mean of the category kappas.
    const pq = r.categories.map((c) => c.proportion * (1 - c.proportion));
    const mean = r.categories.reduce((acc, c, j) => acc + c.kappa! * pq[j]!, 0) / pq.reduce((a, b) => a + b, 0);
    expect(mean).toBeCloseTo(r.kappa!, 12);
  });
});

describe("Fleiss' kappa: irrCAC cac.raw4raters with missing ratings (test/reference/gwet_ac1_ac2_irrcac.json)", () => {
  const ref = readReference<{
    data: Array<Array<number | null>>;
    expected_published_unweighted: {
      fleiss_kappa: { pa: number; pe: number; value: number; se: number; CI95: string; p: number };
    };
    expected_full_precision_unweighted: { fleiss_kappa: number };
    expected_weighted_irrCAC_computed_here: { fleiss_quadratic: { value: number; pe: number } };
  }>('gwet_ac1_ac2_irrcac.json');

  it('matches irrCAC fleiss.kappa.raw: kappa and SE to 5 dp, pa/pe to 7, CI to 3 dp, full precision 1e-6', () => {
    const pub = ref.expected_published_unweighted.fleiss_kappa;
    const r = fleissKappa(ref.data);
    expect(Math.abs(r.kappa! - pub.value)).toBeLessThanOrEqual(5e-6);
    expect(Math.abs(r.se! - pub.se)).toBeLessThanOrEqual(5e-6);
    expect(Math.abs(r.pa! - pub.pa)).toBeLessThanOrEqual(5e-8);
    expect(Math.abs(r.pe! - pub.pe)).toBeLessThanOrEqual(5e-8);
    expect(Math.abs(r.p! - pub.p) / pub.p).toBeLessThan(5e-6);
    const [lo, hi] = pub.CI95.replace(/[()]/g, '').split(',').map(Number) as [number, number];
    expect(Math.abs(r.ci95![0] - lo)).toBeLessThanOrEqual(5e-4);
    expect(r.ci95![1]).toBe(hi);
    expect(near(r.kappa!, ref.expected_full_precision_unweighted.fleiss_kappa, 1e-6)).toBe(true);
    expect(r.balanced).toBe(false);
    expect(r.se0).toBeNull();
  });

  it('weighted (quadratic) generalisation', () => {
    const r = fleissKappa(ref.data, { weights: 'quadratic' });
    expect(near(r.kappa!, ref.expected_weighted_irrCAC_computed_here.fleiss_quadratic.value, 1e-6)).toBe(true);
    expect(near(r.pe, ref.expected_weighted_irrCAC_computed_here.fleiss_quadratic.pe, 1e-6)).toBe(true);
  });
});

describe("Fleiss' kappa: R golden for the SEs under kappa = 0 (Fleiss, Nee & Landis 1979, plain R as irr::kappam.fleiss)", () => {
  const g = readGolden<{
    fleiss: {
      data: string[][];
      kappa: number;
      se0: number;
      z: number;
      p: number;
      categories: string[];
      category_kappa: number[];
      category_z: number[];
    };
  }>('reliability.json').fleiss;
  it('overall and per category', () => {
    const r = fleissKappa(g.data);
    expect(r.categories.map((c) => c.category)).toEqual(g.categories);
    expect(near(r.kappa!, g.kappa, 1e-9)).toBe(true);
    expect(near(r.se0!, g.se0, 1e-9)).toBe(true);
    expect(near(r.z!, g.z, 1e-9)).toBe(true);
    expect(near(r.p0!, g.p, 1e-9)).toBe(true);
    r.categories.forEach((c, j) => {
      expect(near(c.kappa!, g.category_kappa[j]!, 1e-9)).toBe(true);
      expect(near(c.z!, g.category_z[j]!, 1e-9)).toBe(true);
    });
  });
});

describe("Fleiss' kappa: properties", () => {
  it('does not depend on the order of raters and is 1 under perfect agreement', () => {
    const data = [
      ['a', 'b', 'a'],
      ['b', 'b', 'b'],
      ['c', 'a', 'c'],
      ['a', 'a', 'a'],
    ];
    expect(fleissKappa(data.map((r) => [...r].reverse())).kappa!).toBeCloseTo(fleissKappa(data).kappa!, 14);
    expect(
      fleissKappa([
        ['x', 'x'],
        ['y', 'y'],
        ['z', 'z'],
      ]).kappa,
    ).toBeCloseTo(1, 14);
  });
});
