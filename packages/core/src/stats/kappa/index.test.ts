import { describe, expect, it } from 'vitest';
import { near, readGolden, readReference } from '../../../../../test/support/data';
import { agreementWeights, type Category, type WeightBasis, type WeightScheme } from '../agreement-weights';
import { cohenKappa, kappaFromTable } from './index';

interface Case {
  name: string;
  [key: string]: unknown;
}
const ref = readReference<{ cases: Case[] }>('cohen_kappa_examples.json');
const refCase = <T>(name: string) => ref.cases.find((c) => c.name === name) as unknown as T;
/** Half a unit in the last of `sig` significant digits of x. */
const halfUnit = (x: number, sig: number) => 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(x))) - sig + 1);

describe("Cohen's kappa: published examples (test/reference/cohen_kappa_examples.json)", () => {
  it('Wikipedia 2 x 2: kappa 0.4, po 0.7, pe 0.5', () => {
    const c = refCase<{
      table_rows_raterA_cols_raterB: number[][];
      expected: { kappa: number; po: number; pe: number };
    }>('wikipedia_2x2');
    const r = kappaFromTable(c.table_rows_raterA_cols_raterB, agreementWeights(['yes', 'no'], 'unweighted'));
    expect(r.kappa).toBeCloseTo(c.expected.kappa, 14);
    expect(r.po).toBeCloseTo(c.expected.po, 14);
    expect(r.pe).toBeCloseTo(c.expected.pe, 14);
  });

  describe('SAS PROC FREQ AGREE printout (3 x 3)', () => {
    type Printed = {
      kappa: number;
      ASE: number;
      CI95: [number, number];
      ASE_H0: number;
      Z: number;
      p_two_sided: number;
      kappa_full: number;
    };
    const c = refCase<{
      table: number[][];
      expected_unweighted: Printed;
      expected_weighted_linear_CicchettiAllison: Printed;
      expected_weighted_quadratic_computed_here: number;
    }>('sas_3x3_statsmodels');
    it.each([
      ['unweighted', c.expected_unweighted],
      ['linear', c.expected_weighted_linear_CicchettiAllison],
    ] as const)('%s: kappa, ASE, CI, ASE under H0 and Z to 4 dp; kappa to 1e-6', (scheme, e) => {
      const r = kappaFromTable(c.table, agreementWeights([1, 2, 3], scheme));
      expect(Math.abs(r.kappa! - e.kappa)).toBeLessThanOrEqual(0.00005);
      expect(near(r.kappa!, e.kappa_full, 1e-6)).toBe(true);
      expect(Math.abs(r.se! - e.ASE)).toBeLessThanOrEqual(0.00005);
      expect(Math.abs(r.ci95![0] - e.CI95[0])).toBeLessThanOrEqual(0.00005);
      expect(Math.abs(r.ci95![1] - e.CI95[1])).toBeLessThanOrEqual(0.00005);
      expect(Math.abs(r.se0! - e.ASE_H0)).toBeLessThanOrEqual(0.00005);
      expect(Math.abs(r.z! - e.Z)).toBeLessThanOrEqual(0.00005);
      expect(Math.abs(r.p! - e.p_two_sided)).toBeLessThanOrEqual(0.00005);
    });
    it('quadratic weights', () => {
      expect(
        near(
          kappaFromTable(c.table, agreementWeights([1, 2, 3], 'quadratic')).kappa!,
          c.expected_weighted_quadratic_computed_here,
          1e-6,
        ),
      ).toBe(true);
    });
  });

  it('irrCAC cont3x3abstractors: kappa and its SE (7 significant digits), weighted kappas (1e-6)', () => {
    const c = refCase<{
      table: number[][];
      expected_published: { kappa: number; kappa_se: number };
      expected_computed_here: { kappa_linear: number; kappa_quadratic: number };
    }>('irrCAC_cont3x3abstractors');
    const r = kappaFromTable(c.table, agreementWeights([1, 2, 3], 'unweighted'));
    expect(Math.abs(r.kappa! - c.expected_published.kappa)).toBeLessThanOrEqual(
      halfUnit(c.expected_published.kappa, 7),
    );
    expect(Math.abs(r.se! - c.expected_published.kappa_se)).toBeLessThanOrEqual(
      halfUnit(c.expected_published.kappa_se, 7),
    );
    expect(
      near(
        kappaFromTable(c.table, agreementWeights([1, 2, 3], 'linear')).kappa!,
        c.expected_computed_here.kappa_linear,
        1e-6,
      ),
    ).toBe(true);
    expect(
      near(
        kappaFromTable(c.table, agreementWeights([1, 2, 3], 'quadratic')).kappa!,
        c.expected_computed_here.kappa_quadratic,
        1e-6,
      ),
    ).toBe(true);
  });

  type IrrValue = { value?: number; kappa?: number; z: number; p: number };
  const irrSchemes: Array<[string, WeightScheme]> = [
    ['unweighted', 'unweighted'],
    ['linear(equal)', 'linear'],
    ['quadratic(squared)', 'quadratic'],
  ];

  it('irr anxiety rater 1 vs 2 (all six levels used): kappa, z and p from the SE under H0, 1e-6', () => {
    const c = refCase<{ rater1: number[]; rater2: number[]; expected_irr: Record<string, IrrValue> }>(
      'irr_anxiety_rater1_vs_rater2',
    );
    for (const [key, scheme] of irrSchemes) {
      const e = c.expected_irr[key]!;
      for (const basis of ['values', 'levels'] as const) {
        const r = cohenKappa(c.rater1, c.rater2, { weights: scheme, basis });
        expect(near(r.kappa!, e.value!, 1e-6), `${key} ${basis} kappa`).toBe(true);
        expect(near(r.z!, e.z, 1e-6), `${key} ${basis} z ${r.z}`).toBe(true);
        expect(near(r.p!, e.p, 1e-6), `${key} ${basis} p`).toBe(true);
      }
    }
  });

  it('irr anxiety rater 2 vs 3 (level 5 unused): the levels convention reproduces irr, the values convention differs', () => {
    const c = refCase<{ rater2: number[]; rater3: number[]; expected_published: Record<string, IrrValue> }>(
      'irr_anxiety_rater2_vs_rater3',
    );
    const keys: Array<[string, WeightScheme]> = [
      ['unweighted', 'unweighted'],
      ['equal(linear)', 'linear'],
      ['squared(quadratic)', 'quadratic'],
    ];
    for (const [key, scheme] of keys) {
      const e = c.expected_published[key]!;
      const r = cohenKappa(c.rater2, c.rater3, { weights: scheme, basis: 'levels' });
      expect(Math.abs(r.kappa! - e.kappa!), `${key} kappa ${r.kappa}`).toBeLessThanOrEqual(halfUnit(e.kappa!, 7));
      expect(Math.abs(r.z! - e.z), `${key} z ${r.z}`).toBeLessThanOrEqual(halfUnit(e.z, 7));
      expect(Math.abs(r.p! - e.p), `${key} p`).toBeLessThanOrEqual(halfUnit(e.p, 7));
      const v = cohenKappa(c.rater2, c.rater3, { weights: scheme, basis: 'values' });
      if (scheme === 'unweighted') expect(v.kappa).toBe(r.kappa);
      else expect(Math.abs(v.kappa! - e.kappa!)).toBeGreaterThan(1e-3);
    }
  });

  it("irr's custom weights (disagreement scores by distance between levels) through kappaFromTable", () => {
    // irr::kappa2(weight = c(...)): agreement weight 1 − (s − min s)/(max s − min s) for levels |i − j| apart.
    const irrTable = (a: number[], b: number[]) => {
      const lev = [...new Set([...a, ...b])].sort((x, y) => x - y);
      const t = lev.map(() => lev.map(() => 0));
      a.forEach((v, i) => t[lev.indexOf(v)]![lev.indexOf(b[i]!)]!++);
      return t;
    };
    const irrWeights = (scores: number[]) => {
      const lo = Math.min(...scores);
      const hi = Math.max(...scores);
      return scores.map((_, i) => scores.map((_, j) => 1 - (scores[Math.abs(i - j)]! - lo) / (hi - lo)));
    };
    const c12 = refCase<{ rater1: number[]; rater2: number[]; expected_irr: Record<string, IrrValue> }>(
      'irr_anxiety_rater1_vs_rater2',
    );
    const e12 = c12.expected_irr.custom_weights_0_1_2_4_7_11!;
    const r12 = kappaFromTable(irrTable(c12.rater1, c12.rater2), irrWeights([0, 1, 2, 4, 7, 11]));
    expect(near(r12.kappa!, e12.value!, 1e-6)).toBe(true);
    expect(near(r12.z!, e12.z, 1e-6)).toBe(true);
    expect(near(r12.p!, e12.p, 1e-6)).toBe(true);
    const c23 = refCase<{ rater2: number[]; rater3: number[]; expected_published: Record<string, IrrValue> }>(
      'irr_anxiety_rater2_vs_rater3',
    );
    const e23 = c23.expected_published.custom_0_0_1_1_2!;
    const r23 = kappaFromTable(irrTable(c23.rater2, c23.rater3), irrWeights([0, 0, 1, 1, 2]));
    expect(Math.abs(r23.kappa! - e23.kappa!)).toBeLessThanOrEqual(halfUnit(e23.kappa!, 7));
    expect(Math.abs(r23.z! - e23.z)).toBeLessThanOrEqual(halfUnit(e23.z, 7));
    expect(Math.abs(r23.p! - e23.p)).toBeLessThanOrEqual(halfUnit(e23.p, 7));
  });

  it('irr diagnoses rater 2 vs 3 (nominal)', () => {
    const c = refCase<{ rater2: number[]; rater3: number[]; expected_irr: { value: number; z: number; p: number } }>(
      'irr_diagnoses_rater2_vs_rater3',
    );
    const r = cohenKappa(c.rater2, c.rater3);
    expect(near(r.kappa!, c.expected_irr.value, 1e-6)).toBe(true);
    expect(near(r.z!, c.expected_irr.z, 1e-6)).toBe(true);
    // irr computes 2 * (1 - pnorm(|z|)), which cancels at p ~ 4e-14 (its 4.04121e-14 is 0.08% off); the exact
    // tail, R's 2 * pnorm(-7.55976508863548) = 4.03797950554889e-14, is what we match, and irr's printed 4.04e-14.
    expect(Math.abs(r.p! - 4.03797950554889e-14) / 4.03797950554889e-14).toBeLessThan(1e-6);
    expect(Math.abs(r.p! - 4.04e-14)).toBeLessThanOrEqual(halfUnit(4.04e-14, 3));
  });
});

interface Fce {
  kappa: number;
  var: number;
  var0: number;
  po: number;
  pe: number;
}
interface KappaGolden {
  name: string;
  rater1: Category[];
  rater2: Category[];
  categories: Category[];
  psych_unweighted: { kappa: number; var: number };
  psych_quadratic_levels: { kappa: number };
  psych_linear_levels: { kappa: number };
  psych_quadratic_values?: { kappa: number };
  psych_linear_values?: { kappa: number };
  [key: `fce_${string}`]: Fce;
}

describe("Cohen's kappa: R goldens (psych::cohen.kappa; Fleiss-Cohen-Everitt variances in plain R)", () => {
  const golden = readGolden<{ kappa: KappaGolden[] }>('reliability.json').kappa;

  it.each(golden.map((g) => [g.name, g] as const))('%s', (_name, g) => {
    const un = cohenKappa(g.rater1, g.rater2);
    expect(un.categories).toEqual(g.categories);
    expect(near(un.kappa!, g.psych_unweighted.kappa, 1e-6)).toBe(true);
    expect(near(un.se! ** 2, g.psych_unweighted.var, 1e-6)).toBe(true);
    const cases: Array<[WeightScheme, WeightBasis, { kappa: number } | undefined, Fce | undefined]> = [
      ['unweighted', 'values', g.psych_unweighted, g.fce_unweighted],
      ['quadratic', 'levels', g.psych_quadratic_levels, g.fce_quadratic_levels],
      ['linear', 'levels', g.psych_linear_levels, g.fce_linear_levels],
      ['quadratic', 'values', g.psych_quadratic_values, g.fce_quadratic_values],
      ['linear', 'values', g.psych_linear_values, g.fce_linear_values],
    ];
    for (const [scheme, basis, psych, fce] of cases) {
      if (!psych || !fce) continue;
      const r = cohenKappa(g.rater1, g.rater2, { weights: scheme, basis });
      const label = `${scheme}/${basis}`;
      expect(near(r.kappa!, psych.kappa, 1e-6), `${label} kappa vs psych`).toBe(true);
      expect(near(r.kappa!, fce.kappa, 1e-6), `${label} kappa vs R`).toBe(true);
      expect(near(r.se! ** 2, fce.var, 1e-6), `${label} var`).toBe(true);
      expect(near(r.se0! ** 2, fce.var0, 1e-6), `${label} var0`).toBe(true);
      expect(near(r.po, fce.po, 1e-9) && near(r.pe, fce.pe, 1e-9), `${label} po/pe`).toBe(true);
    }
  });
});

describe("Cohen's kappa: properties", () => {
  const golden = readGolden<{ kappa: KappaGolden[] }>('reliability.json').kappa;

  it('is symmetric in the raters for every weighting', () => {
    for (const g of golden) {
      for (const weights of ['unweighted', 'linear', 'quadratic'] as const) {
        const ab = cohenKappa(g.rater1, g.rater2, { weights });
        const ba = cohenKappa(g.rater2, g.rater1, { weights });
        expect(ba.kappa!).toBeCloseTo(ab.kappa!, 14);
        expect(ba.se!).toBeCloseTo(ab.se!, 14);
        expect(ba.se0!).toBeCloseTo(ab.se0!, 14);
      }
    }
  });

  it('leaves out subjects missing a rating and says so; declared categories enter the weights', () => {
    const r = cohenKappa([1, 2, 3, null, 2], [1, 2, 2, 3, null], { weights: 'linear', categories: [1, 2, 3, 4, 5] });
    expect(r.n).toBe(3);
    expect(r.unpaired).toBe(2);
    expect(r.method).toMatch(/2 subjects without both ratings left out/);
    expect(r.table).toHaveLength(5);
    expect(() => cohenKappa([1, 9], [1, 2], { categories: [1, 2, 3] })).toThrow(/not one of the categories/);
  });

  it('is undefined, not a number, when both raters use one category', () => {
    const r = cohenKappa(['a', 'a', 'a'], ['a', 'a', 'a']);
    expect(r.kappa).toBeNull();
    expect(r.undefinedReason).toMatch(/0\/0/);
  });
});
