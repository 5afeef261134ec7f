import { describe, expect, it } from 'vitest';
import { near, readGolden } from '../../../../../test/support/data';
import { unexplainedValues } from '../reasons';
import { internalConsistency, minresOneFactor, multilevelReliability, type MultilevelRow } from '.';

interface ConsistencyGolden {
  name: string;
  items: string[];
  data: Array<Array<number | null>>;
  n: number;
  dropped: number;
  alpha: { raw: number; standardized: number; ci95: [number, number] };
  omega: { total: number };
  items_out: Array<{ item: string; rDrop: number; alphaIfDropped: number }>;
}
interface MultilevelGolden {
  name: string;
  items: string[];
  rows: MultilevelRow[];
  subjects: number;
  times: number;
  droppedSubjects: number;
  components: Record<string, number>;
  RkF: number;
  R1R: number;
  RkR: number;
  Rc: number;
}
const golden = readGolden<{ consistency: ConsistencyGolden[]; multilevel: MultilevelGolden[] }>('consistency.json');

describe('internalConsistency against psych::alpha and psych::omega(nfactors = 1)', () => {
  for (const g of golden.consistency) {
    it(g.name, () => {
      const res = internalConsistency(g.data, g.items);
      expect(res.n).toBe(g.n);
      expect(res.dropped).toBe(g.dropped);
      expect(near(res.alpha.raw, g.alpha.raw, 1e-6)).toBe(true);
      expect(near(res.alpha.standardized, g.alpha.standardized, 1e-6)).toBe(true);
      expect(near(res.alpha.ci95![0], g.alpha.ci95[0], 1e-6)).toBe(true);
      expect(near(res.alpha.ci95![1], g.alpha.ci95[1], 1e-6)).toBe(true);
      expect(res.omega.total).not.toBeNull();
      expect(Math.abs(res.omega.total! - g.omega.total)).toBeLessThanOrEqual(1e-4);
      expect(res.items.map((i) => i.item)).toEqual(g.items);
      for (const [j, item] of res.items.entries()) {
        expect(near(item.rDrop, g.items_out[j]!.rDrop, 1e-6)).toBe(true);
        expect(near(item.alphaIfDropped, g.items_out[j]!.alphaIfDropped, 1e-6)).toBe(true);
      }
      expect(unexplainedValues(res)).toEqual([]);
    });
  }

  it('fits the one-factor model exactly when the correlations have one factor', () => {
    const l = [0.9, 0.8, 0.7, 0.6];
    const r = l.map((a, i) => l.map((b, j) => (i === j ? 1 : a * b)));
    const fit = minresOneFactor(r);
    for (const [i, x] of fit.loadings.entries()) expect(Math.abs(Math.abs(x) - l[i]!)).toBeLessThan(1e-10);
  });

  it('a constant item: raw alpha stands, the correlation-based values are null with reasons', () => {
    const res = internalConsistency(
      [
        [1, 2, 3],
        [2, 3, 3],
        [3, 3, 3],
        [4, 5, 3],
      ],
      ['a', 'b', 'c'],
    );
    expect(res.alpha.raw).not.toBeNull();
    expect(res.alpha.standardized).toBeNull();
    expect(res.alpha.reasons?.standardized).toMatch(/c does not vary/);
    expect(res.omega.total).toBeNull();
    expect(res.items[2]!.rDrop).toBeNull();
    expect(unexplainedValues(res)).toEqual([]);
  });

  it('nothing varies: alpha is null with its reason; two items have no alpha if dropped', () => {
    const res = internalConsistency(
      [
        [2, 2],
        [2, 2],
        [2, 2],
      ],
      ['a', 'b'],
    );
    expect(res.alpha.raw).toBeNull();
    expect(res.alpha.undefinedReason).toMatch(/no item varies/);
    expect(res.items[0]!.alphaIfDropped).toBeNull();
    expect(unexplainedValues(res)).toEqual([]);
  });

  it('refuses one item or fewer than two complete rows', () => {
    expect(() => internalConsistency([[1], [2]], ['a'])).toThrow(RangeError);
    expect(() =>
      internalConsistency(
        [
          [1, 2],
          [null, 3],
        ],
        ['a', 'b'],
      ),
    ).toThrow(/two complete rows, got 1/);
  });
});

describe('multilevelReliability against psych::multilevel.reliability', () => {
  for (const g of golden.multilevel) {
    it(g.name, () => {
      const res = multilevelReliability(g.rows, g.items);
      expect(res.subjects).toBe(g.subjects);
      expect(res.times).toBe(g.times);
      expect(res.droppedSubjects).toBe(g.droppedSubjects);
      for (const [k, v] of Object.entries(g.components))
        expect(near(res.components[k as keyof typeof res.components], v, 1e-6)).toBe(true);
      for (const k of ['RkF', 'R1R', 'RkR', 'Rc'] as const) expect(near(res[k], g[k], 1e-6)).toBe(true);
    });
  }

  it('refuses a single time', () => {
    const rows = [
      { subject: 'a', time: '1', values: [1, 2] },
      { subject: 'b', time: '1', values: [2, 3] },
    ];
    expect(() => multilevelReliability(rows, ['x', 'y'])).toThrow(/two times/);
  });
});
