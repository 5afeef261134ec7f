import { describe, expect, it } from 'vitest';
import { near, readReference } from '../../../../../test/support/data';
import { agreementWeights } from '../agreement-weights';
import { gwetAc, gwetAcTable } from './index';

type Cell = number | null;
interface Ref {
  data: Cell[][];
  expected_published_unweighted: {
    AC1: { pa: number; pe: number; value: number; se: number; CI95: string; p: number };
  };
  expected_full_precision_unweighted: { AC1: number; AC1_pa: number; AC1_pe: number };
  expected_weighted_irrCAC_computed_here: {
    AC2_quadratic: { value: number; pa: number; pe: number; se_5dp: number };
    AC2_linear: { value: number; pa: number; pe: number };
  };
  contingency_table_example: {
    table: number[][];
    AC1: number;
    AC1_se: number;
    CI95: string;
    AC2_quadratic_computed_here: number;
  };
}
const ref = readReference<Ref>('gwet_ac1_ac2_irrcac.json');
const halfUnit = (x: number, sig: number) => 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(x))) - sig + 1);
const ciOf = (s: string) => s.replace(/[()]/g, '').split(',').map(Number) as [number, number];

describe("Gwet's AC1/AC2: irrCAC cac.raw4raters, 12 subjects x 4 raters with missing ratings (test/reference/gwet_ac1_ac2_irrcac.json)", () => {
  it('AC1 matches the README (coefficient and SE to 5 dp, pa/pe to 7, CI to 3 dp) and the full-precision values (1e-6)', () => {
    const pub = ref.expected_published_unweighted.AC1;
    const full = ref.expected_full_precision_unweighted;
    const r = gwetAc(ref.data);
    expect(r.coefficient).toBe('AC1');
    expect(Math.abs(r.ac! - pub.value)).toBeLessThanOrEqual(5e-6);
    expect(Math.abs(r.se! - pub.se)).toBeLessThanOrEqual(5e-6);
    expect(Math.abs(r.pa! - pub.pa)).toBeLessThanOrEqual(5e-8);
    expect(Math.abs(r.pe! - pub.pe)).toBeLessThanOrEqual(5e-8);
    expect(Math.abs(r.p! - pub.p)).toBeLessThanOrEqual(halfUnit(pub.p, 6));
    const [lo, hi] = ciOf(pub.CI95);
    expect(Math.abs(r.ci95![0] - lo)).toBeLessThanOrEqual(5e-4);
    expect(r.ci95![1]).toBe(hi);
    expect(near(r.ac!, full.AC1, 1e-6)).toBe(true);
    expect(near(r.pa, full.AC1_pa, 1e-6)).toBe(true);
    expect(near(r.pe, full.AC1_pe, 1e-6)).toBe(true);
    expect(r.n).toBe(12);
    expect(r.raters).toBe(4);
  });

  it('AC2 with quadratic and linear weights', () => {
    const q = ref.expected_weighted_irrCAC_computed_here.AC2_quadratic;
    const rq = gwetAc(ref.data, { weights: 'quadratic' });
    expect(rq.coefficient).toBe('AC2');
    expect(near(rq.ac!, q.value, 1e-6)).toBe(true);
    expect(near(rq.pa, q.pa, 1e-6)).toBe(true);
    expect(near(rq.pe, q.pe, 1e-6)).toBe(true);
    expect(Math.abs(rq.se! - q.se_5dp)).toBeLessThanOrEqual(5e-6);
    const l = ref.expected_weighted_irrCAC_computed_here.AC2_linear;
    const rl = gwetAc(ref.data, { weights: 'linear' });
    expect(near(rl.ac!, l.value, 1e-6)).toBe(true);
    expect(near(rl.pa, l.pa, 1e-6)).toBe(true);
    expect(near(rl.pe, l.pe, 1e-6)).toBe(true);
  });
});

describe("Gwet's AC1/AC2 from a two-rater table: irrCAC cont3x3abstractors", () => {
  it('AC1 and its SE to 7 significant digits, CI to 3 dp; AC2 quadratic to 1e-6', () => {
    const c = ref.contingency_table_example;
    const r = gwetAcTable(c.table, agreementWeights([1, 2, 3], 'unweighted'));
    expect(Math.abs(r.ac - c.AC1)).toBeLessThanOrEqual(halfUnit(c.AC1, 7));
    expect(Math.abs(r.se - c.AC1_se)).toBeLessThanOrEqual(halfUnit(c.AC1_se, 7));
    const [lo, hi] = ciOf(c.CI95);
    expect(Math.abs(r.ci95[0] - lo)).toBeLessThanOrEqual(5e-4);
    expect(Math.abs(r.ci95[1] - hi)).toBeLessThanOrEqual(5e-4);
    expect(
      near(gwetAcTable(c.table, agreementWeights([1, 2, 3], 'quadratic')).ac, c.AC2_quadratic_computed_here, 1e-6),
    ).toBe(true);
  });

  it('the raw-data coefficient of the same ratings equals the table one', () => {
    const c = ref.contingency_table_example;
    const raw: number[][] = [];
    c.table.forEach((row, i) =>
      row.forEach((count, j) => {
        for (let t = 0; t < count; t++) raw.push([i + 1, j + 1]);
      }),
    );
    expect(gwetAc(raw).ac!).toBeCloseTo(gwetAcTable(c.table, agreementWeights([1, 2, 3], 'unweighted')).ac, 12);
  });
});

describe("Gwet's AC: properties", () => {
  it('is 1 under perfect agreement, symmetric in raters, and undefined with one category', () => {
    expect(
      gwetAc([
        [1, 1],
        [2, 2],
        [3, 3, null],
      ]).ac,
    ).toBeCloseTo(1, 14);
    const a = gwetAc(ref.data, { weights: 'quadratic' });
    const b = gwetAc(
      ref.data.map((r) => [...r].reverse()),
      { weights: 'quadratic' },
    );
    expect(b.ac!).toBeCloseTo(a.ac!, 14);
    expect(b.se!).toBeCloseTo(a.se!, 14);
    const one = gwetAc([
      ['x', 'x'],
      ['x', 'x'],
    ]);
    expect(one.ac).toBeNull();
    expect(one.undefinedReason).toMatch(/one category/);
  });
});
