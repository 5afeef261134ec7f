import { describe, expect, it } from 'vitest';
import { near, readGolden, readReference } from '../../../../../test/support/data';
import { ALPHA_METRICS, krippendorffAlpha } from './index';

type Cell = number | null;
const transpose = (m: Cell[][]): Cell[][] => m[0]!.map((_, j) => m.map((r) => r[j]!));

describe("Krippendorff's alpha: Wikipedia example (test/reference/krippendorff_alpha_wikipedia_example.json)", () => {
  const ref = readReference<{
    data: Cell[][];
    expected_published: { nominal: number; interval: number };
    expected_full_precision: {
      nominal: number;
      interval: number;
      ordinal_unpublished: number;
      ratio_unpublished: number;
    };
  }>('krippendorff_alpha_wikipedia_example.json');
  const units = transpose(ref.data);

  it('nominal and interval match the published 6 dp values and the full-precision values (1e-6)', () => {
    const nominal = krippendorffAlpha(units, { metric: 'nominal', bootstrap: 0 });
    const interval = krippendorffAlpha(units, { metric: 'interval', bootstrap: 0 });
    expect(Math.abs(nominal.alpha! - ref.expected_published.nominal)).toBeLessThanOrEqual(5e-7);
    expect(Math.abs(interval.alpha! - ref.expected_published.interval)).toBeLessThanOrEqual(5e-7);
    expect(near(nominal.alpha!, ref.expected_full_precision.nominal, 1e-6)).toBe(true);
    expect(near(interval.alpha!, ref.expected_full_precision.interval, 1e-6)).toBe(true);
  });

  it('ordinal and ratio match the recomputed values (1e-6)', () => {
    expect(
      near(
        krippendorffAlpha(units, { metric: 'ordinal', bootstrap: 0 }).alpha!,
        ref.expected_full_precision.ordinal_unpublished,
        1e-6,
      ),
    ).toBe(true);
    expect(
      near(
        krippendorffAlpha(units, { metric: 'ratio', bootstrap: 0 }).alpha!,
        ref.expected_full_precision.ratio_unpublished,
        1e-6,
      ),
    ).toBe(true);
  });

  it('counts units, coders and pairable values; units with one value are not pairable', () => {
    const r = krippendorffAlpha(units, { metric: 'nominal', bootstrap: 0 });
    expect(r.units).toBe(15);
    expect(r.coders).toBe(3);
    // Units 1, 2 and 14 have fewer than two values: 12 pairable units holding 26 values.
    expect(r.n).toBe(12);
    expect(r.pairable).toBe(26);
  });
});

describe("Krippendorff's alpha: Freelon (2010) ReCal test matrices (test/reference/krippendorff_alpha_freelon_2010.json)", () => {
  const ref = readReference<{ cases: Array<{ case: number; data: number[][]; expected_nominal_4dp: number }> }>(
    'krippendorff_alpha_freelon_2010.json',
  );
  it.each(ref.cases.map((c) => [c.case, c] as const))('case %i matches KALPHA to 4 dp', (_n, c) => {
    const r = krippendorffAlpha(transpose(c.data), { metric: 'nominal', bootstrap: 0 });
    expect(Math.abs(r.alpha! - c.expected_nominal_4dp)).toBeLessThanOrEqual(0.00005);
  });
});

describe("Krippendorff's alpha: irrCAC cac.raw4raters (test/reference/gwet_ac1_ac2_irrcac.json)", () => {
  const ref = readReference<{
    data: Cell[][];
    expected_published_unweighted: { krippendorff_alpha: { value: number } };
    expected_full_precision_unweighted: { krippendorff_alpha: number };
    expected_weighted_irrCAC_computed_here: Record<string, { value: number }>;
  }>('gwet_ac1_ac2_irrcac.json');

  it('nominal alpha matches irrCAC (5 dp published, 1e-6 full precision)', () => {
    const r = krippendorffAlpha(ref.data, { metric: 'nominal', bootstrap: 0 });
    expect(Math.abs(r.alpha! - ref.expected_published_unweighted.krippendorff_alpha.value)).toBeLessThanOrEqual(5e-6);
    expect(near(r.alpha!, ref.expected_full_precision_unweighted.krippendorff_alpha, 1e-6)).toBe(true);
  });

  it('interval alpha equals irrCAC alpha with quadratic weights', () => {
    const r = krippendorffAlpha(ref.data, { metric: 'interval', bootstrap: 0 });
    expect(
      near(
        r.alpha!,
        ref.expected_weighted_irrCAC_computed_here['krippendorff_quadratic(=interval alpha)']!.value,
        1e-6,
      ),
    ).toBe(true);
  });
});

describe("Krippendorff's alpha: R golden (plain-R coincidence-matrix implementation, test/golden/reliability.R)", () => {
  const g = readGolden<{ alpha: { data: Cell[][] } & Record<'nominal' | 'ordinal' | 'interval' | 'ratio', number> }>(
    'reliability.json',
  ).alpha;
  it.each(ALPHA_METRICS.map((m) => [m] as const))('%s', (metric) => {
    const r = krippendorffAlpha(g.data, { metric, bootstrap: 0 });
    expect(near(r.alpha!, g[metric], 1e-9), `${r.alpha} vs ${g[metric]}`).toBe(true);
  });
});

describe("Krippendorff's alpha: properties", () => {
  const perfect: Cell[][] = [
    [1, 1, 1, null],
    [3, 3, null, 3],
    [2, null, 2, 2],
    [5, 5, 5, 5],
    [4, null, null, null],
  ];

  it('is 1 for perfect agreement under every metric', () => {
    for (const metric of ALPHA_METRICS) expect(krippendorffAlpha(perfect, { metric, bootstrap: 0 }).alpha).toBe(1);
  });

  it('is undefined (null, with a reason) when the pairable values do not vary', () => {
    const flat: Cell[][] = [
      [2, 2],
      [2, 2, 2],
      [2, null],
      [7, null],
    ];
    for (const metric of ALPHA_METRICS) {
      const r = krippendorffAlpha(flat, { metric });
      expect(r.alpha).toBeNull();
      expect(r.undefinedReason).toMatch(/do not vary/);
      expect(r.ci95).toBeNull();
    }
    const lonely = krippendorffAlpha(
      [
        [1, null],
        [null, 2],
      ],
      { metric: 'nominal' },
    );
    expect(lonely.alpha).toBeNull();
    expect(lonely.undefinedReason).toMatch(/nothing is pairable/);
  });

  it('interval alpha is unchanged by a linear change of scale; every metric by the order of coders', () => {
    const g = readGolden<{ alpha: { data: Cell[][] } }>('reliability.json').alpha.data;
    const a = krippendorffAlpha(g, { metric: 'interval', bootstrap: 0 }).alpha!;
    const scaled = g.map((r) => r.map((v) => (v === null ? null : 1000 + 2.5 * v)));
    expect(krippendorffAlpha(scaled, { metric: 'interval', bootstrap: 0 }).alpha!).toBeCloseTo(a, 10);
    const reversed = g.map((r) => [...r].reverse());
    for (const metric of ALPHA_METRICS) {
      expect(krippendorffAlpha(reversed, { metric, bootstrap: 0 }).alpha!).toBeCloseTo(
        krippendorffAlpha(g, { metric, bootstrap: 0 }).alpha!,
        12,
      );
    }
  });

  it('nominal alpha treats labels as labels', () => {
    const labels = [
      ['a', 'a', 'b'],
      ['b', 'b', 'b'],
      ['c', 'c', null],
      ['a', 'c', 'a'],
    ];
    const codes = labels.map((r) => r.map((v) => (v === null ? null : { a: 1, b: 2, c: 3 }[v]!)));
    expect(krippendorffAlpha(labels, { metric: 'nominal', bootstrap: 0 }).alpha).toBeCloseTo(
      krippendorffAlpha(codes, { metric: 'nominal', bootstrap: 0 }).alpha!,
      14,
    );
    expect(() => krippendorffAlpha(labels, { metric: 'interval' })).toThrow(/needs numbers/);
  });

  it('the bootstrap interval is reproducible from its seed and brackets alpha', () => {
    const g = readGolden<{ alpha: { data: Cell[][] } }>('reliability.json').alpha.data;
    const a = krippendorffAlpha(g, { metric: 'ordinal', bootstrap: 500, seed: 11 });
    const b = krippendorffAlpha(g, { metric: 'ordinal', bootstrap: 500, seed: 11 });
    const c = krippendorffAlpha(g, { metric: 'ordinal', bootstrap: 500, seed: 12 });
    expect(b.ci95).toEqual(a.ci95);
    expect(c.ci95).not.toEqual(a.ci95);
    expect(a.ci95![0]).toBeLessThan(a.alpha!);
    expect(a.ci95![1]).toBeGreaterThan(a.alpha!);
    expect(a.bootstrap).toEqual({ resamples: 500, seed: 11, undefinedResamples: 0 });
    expect(a.method).toMatch(/bootstrap resamples of units \(seed 11\)/);
  });
});
