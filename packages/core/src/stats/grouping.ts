/**
 * Sessions nested in clients: a grouping of observations by an id column. Levels keep first-appearance
 * order, so outputs list clients in the order the file has them.
 */
export interface Grouping {
  /** Group index of each observation, 0-based. */
  index: Int32Array;
  levels: string[];
  /** Observations per group. */
  sizes: Int32Array;
}

export function groupBy(ids: ArrayLike<string | number>): Grouping {
  const n = ids.length;
  const index = new Int32Array(n);
  const map = new Map<string, number>();
  const levels: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = String(ids[i]);
    let g = map.get(key);
    if (g === undefined) {
      g = levels.length;
      map.set(key, g);
      levels.push(key);
    }
    index[i] = g;
  }
  const sizes = new Int32Array(levels.length);
  for (let i = 0; i < n; i++) sizes[index[i]!]!++;
  return { index, levels, sizes };
}

/** Per-group means of a numeric column. */
export function groupMeans(g: Grouping, v: ArrayLike<number>): Float64Array {
  const sums = new Float64Array(g.levels.length);
  for (let i = 0; i < v.length; i++) sums[g.index[i]!]! += v[i]!;
  for (let k = 0; k < sums.length; k++) sums[k]! /= g.sizes[k]!;
  return sums;
}

/** Paired observations nested in subjects (clients): the input of rmcorr and the within/between view. */
export interface PairedSeries {
  subject: ArrayLike<string | number>;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}
