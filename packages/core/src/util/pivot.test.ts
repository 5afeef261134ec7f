import { describe, expect, it } from 'vitest';
import { pivotMean } from './pivot';

interface Obs {
  who: string;
  when: number;
  what: string;
  score: number | null;
}

const wide = (rows: Obs[]) =>
  pivotMean(
    rows,
    ['who', 'when'],
    (r) => r.what,
    (r) => r.score,
  );

describe('pivotMean', () => {
  it('makes one row per group in order of first appearance and one sorted column per key', () => {
    const out = wide([
      { who: 'b', when: 2, what: 'y', score: 1 },
      { who: 'a', when: 1, what: 'z', score: 3 },
      { who: 'a', when: 1, what: 'x', score: 2 },
    ]);
    expect(out).toEqual([
      { who: 'b', when: 2, x: undefined, y: 1, z: undefined },
      { who: 'a', when: 1, x: 2, y: undefined, z: 3 },
    ]);
    expect(Object.keys(out[0]!)).toEqual(['who', 'when', 'x', 'y', 'z']);
  });

  it('averages a cell, leaving out null and NaN; a cell with nothing left is undefined', () => {
    const out = wide([
      { who: 'a', when: 1, what: 'z', score: 3 },
      { who: 'a', when: 1, what: 'z', score: 4 },
      { who: 'a', when: 1, what: 'z', score: null },
      { who: 'a', when: 1, what: 'x', score: null },
      { who: 'a', when: 1, what: 'y', score: Number.NaN },
    ]);
    expect(out).toEqual([{ who: 'a', when: 1, x: undefined, y: undefined, z: 3.5 }]);
  });

  it('keeps groups apart whose fields would join to the same text', () => {
    const out = wide([
      { who: 'a1', when: 2, what: 'x', score: 1 },
      { who: 'a', when: 12, what: 'x', score: 5 },
    ]);
    expect(out.map((r) => r.x)).toEqual([1, 5]);
  });

  it('refuses a column that would overwrite a grouping field', () => {
    expect(() => wide([{ who: 'a', when: 1, what: 'who', score: 1 }])).toThrow(
      /"who" would overwrite a grouping field/,
    );
  });

  it('returns no rows for no input', () => {
    expect(wide([])).toEqual([]);
  });
});
