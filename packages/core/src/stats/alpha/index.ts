import { quantileSorted, resampleDraws } from '../random';
import { type Reasons, withReasons } from '../reasons';

/**
 * Krippendorff's alpha for any number of coders, missing values allowed, with the nominal, ordinal, interval
 * and ratio difference functions (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"), and a
 * seeded bootstrap interval over units.
 *
 * alpha = 1 − D_o / D_e with D_o from the coincidences within units and D_e from all pairable values. Units
 * with fewer than two values are not pairable and drop out. When the pairable values do not vary at all,
 * D_e = 0 and alpha is 0/0: the result says so (alpha null) rather than return a number.
 *
 * The interval, ordinal and nominal metrics are computed from per-unit sums in O(values): for interval data
 * Σ_{i≠j}(v_i − v_j)² = 2(mΣv² − (Σv)²); ordinal alpha is interval alpha on each value's mid-rank among the
 * pairable values (Krippendorff's ordinal δ_ck is the difference of those mid-ranks); nominal uses category
 * counts. The ratio metric has no such reduction and costs O(distinct values²) for D_e.
 */

export const ALPHA_METRICS = ['nominal', 'ordinal', 'interval', 'ratio'] as const;
export type AlphaMetric = (typeof ALPHA_METRICS)[number];

export interface AlphaOptions {
  metric?: AlphaMetric;
  /** Bootstrap resamples for the interval; 0 for none. Default 1000. */
  bootstrap?: number;
  /** Seed of the bootstrap's generator. Default 1. */
  seed?: number;
  level?: number;
}

export interface AlphaResult {
  /** null when alpha is undefined (see `undefinedReason`). */
  alpha: number | null;
  metric: AlphaMetric;
  /** Units in the input, pairable or not. */
  units: number;
  coders: number;
  /** Pairable values: those in units with at least two values (Krippendorff's n). */
  pairable: number;
  /** Units with at least two values. */
  n: number;
  /** null (with `undefinedReason`) when nothing is pairable. */
  observedDisagreement: number | null;
  expectedDisagreement: number | null;
  /** Percentile bootstrap interval; null without resamples or when alpha is undefined. */
  ci95: [number, number] | null;
  bootstrap: { resamples: number; seed: number; undefinedResamples: number } | null;
  reasons?: Reasons;
  undefinedReason?: string;
  method: string;
}

/** A prepared reliability data set: pairable units only, values coded for the metric. */
interface Prepared {
  metric: AlphaMetric;
  /** Unit u's values are codes[start[u] .. start[u+1]). */
  start: Int32Array;
  /** Nominal/ordinal: index into the sorted distinct values. Interval: unused. Ratio: index too. */
  codes: Int32Array;
  /** Distinct values, ascending (numeric metrics) or in first-seen order (nominal). */
  distinct: number[];
  /** Interval: centred values, and per-unit Σv, Σv² and the unit's Σ_{i≠j} δ² / (m − 1). */
  unitObserved: Float64Array;
  unitS1: Float64Array;
  unitS2: Float64Array;
  /**
   * Smallest and largest code (interval: value) in each unit: the pairable values vary iff these do not all
   * coincide.
   */
  unitMinCode: Float64Array;
  unitMaxCode: Float64Array;
  units: number;
}

type Value = number | string;

function prepare(
  data: ReadonlyArray<ReadonlyArray<Value | null | undefined>>,
  metric: AlphaMetric,
): { p: Prepared; coders: number } {
  if (metric === 'interval') return prepareInterval(data);
  let coders = 0;
  const kept: Value[][] = [];
  for (const row of data) {
    coders = Math.max(coders, row.length);
    const vals: Value[] = [];
    for (const v of row) {
      if (v === null || v === undefined) continue;
      if (metric !== 'nominal') {
        if (typeof v !== 'number' || !Number.isFinite(v))
          throw new RangeError(`the ${metric} metric needs numbers, found ${JSON.stringify(v)}`);
        if (metric === 'ratio' && v < 0) throw new RangeError(`the ratio metric needs values >= 0, found ${v}`);
      } else if (typeof v === 'number' && !Number.isFinite(v)) {
        throw new RangeError(`found a non-finite value ${v}`);
      }
      vals.push(v);
    }
    if (vals.length >= 2) kept.push(vals);
  }
  const units = kept.length;
  const start = new Int32Array(units + 1);
  for (let u = 0; u < units; u++) start[u + 1] = start[u]! + kept[u]!.length;
  const total = start[units]!;
  const codes = new Int32Array(total);
  let distinct: number[] = [];
  if (metric === 'nominal') {
    const index = new Map<Value, number>();
    let t = 0;
    for (const vals of kept) {
      for (const v of vals) {
        let c = index.get(v);
        if (c === undefined) {
          c = index.size;
          index.set(v, c);
        }
        codes[t++] = c;
      }
    }
    distinct = Array.from({ length: index.size }, (_, i) => i);
  } else {
    const sorted = Float64Array.from(kept.flat() as number[]).sort();
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
    const index = new Map<number, number>(distinct.map((v, i) => [v, i]));
    let t = 0;
    for (const vals of kept) for (const v of vals) codes[t++] = index.get(v as number)!;
  }
  const p: Prepared = {
    metric,
    start,
    codes,
    distinct,
    unitObserved: new Float64Array(units),
    unitS1: new Float64Array(units),
    unitS2: new Float64Array(units),
    unitMinCode: new Float64Array(units),
    unitMaxCode: new Float64Array(units),
    units,
  };
  for (let u = 0; u < units; u++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = start[u]!; i < start[u + 1]!; i++) {
      lo = Math.min(lo, codes[i]!);
      hi = Math.max(hi, codes[i]!);
    }
    p.unitMinCode[u] = lo;
    p.unitMaxCode[u] = hi;
  }
  if (metric === 'nominal' || metric === 'ratio') {
    for (let u = 0; u < units; u++) p.unitObserved[u] = unitDisagreement(p, u);
  }
  return { p, coders };
}

/**
 * The interval metric needs only each unit's count, Σv and Σv² (and its range, to tell whether anything
 * varies), so the data are read in two passes with no per-value codes: the first for the pooled mean, the
 * second for the centred sums. Centring keeps mΣv² − (Σv)² from cancelling when values sit far from zero.
 */
function prepareInterval(data: ReadonlyArray<ReadonlyArray<Value | null | undefined>>): {
  p: Prepared;
  coders: number;
} {
  let coders = 0;
  let units = 0;
  let total = 0;
  let sum = 0;
  for (const row of data) {
    coders = Math.max(coders, row.length);
    let m = 0;
    let s = 0;
    for (const v of row) {
      if (v === null || v === undefined) continue;
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new RangeError(`the interval metric needs numbers, found ${JSON.stringify(v)}`);
      m++;
      s += v;
    }
    if (m >= 2) {
      units++;
      total += m;
      sum += s;
    }
  }
  const mean = total > 0 ? sum / total : 0;
  const start = new Int32Array(units + 1);
  const p: Prepared = {
    metric: 'interval',
    start,
    codes: new Int32Array(0),
    distinct: [],
    unitObserved: new Float64Array(units),
    unitS1: new Float64Array(units),
    unitS2: new Float64Array(units),
    unitMinCode: new Float64Array(units),
    unitMaxCode: new Float64Array(units),
    units,
  };
  let u = 0;
  for (const row of data) {
    let m = 0;
    let s1 = 0;
    let s2 = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of row) {
      if (v === null || v === undefined) continue;
      const x = (v as number) - mean;
      m++;
      s1 += x;
      s2 += x * x;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    if (m < 2) continue;
    start[u + 1] = start[u]! + m;
    p.unitS1[u] = s1;
    p.unitS2[u] = s2;
    p.unitObserved[u] = (2 * (m * s2 - s1 * s1)) / (m - 1);
    p.unitMinCode[u] = lo;
    p.unitMaxCode[u] = hi;
    u++;
  }
  return { p, coders };
}

/** Σ_{i≠j} δ²(v_i, v_j) / (m − 1) within one unit, for the metrics whose δ does not depend on the margins. */
function unitDisagreement(p: Prepared, u: number): number {
  const s = p.start[u]!;
  const e = p.start[u + 1]!;
  const m = e - s;
  let sum = 0;
  if (p.metric === 'nominal') {
    for (let i = s; i < e; i++) for (let j = i + 1; j < e; j++) if (p.codes[i] !== p.codes[j]) sum += 2;
  } else {
    for (let i = s; i < e; i++) {
      const a = p.distinct[p.codes[i]!]!;
      for (let j = i + 1; j < e; j++) {
        const b = p.distinct[p.codes[j]!]!;
        if (a + b > 0) sum += 2 * ((a - b) / (a + b)) ** 2;
      }
    }
  }
  return sum / (m - 1);
}

interface Disagreement {
  /** Σ_u weight_u · (unit's Σ_{i≠j} δ² / (m_u − 1)) = n · D_o. */
  observed: number;
  /** Σ_{c,k} n_c n_k δ²_ck = n (n − 1) · D_e. */
  expected: number;
  /** Pairable values, weighted. */
  n: number;
  /** Whether the pairable values take more than one value (otherwise D_e = 0 and alpha is 0/0). */
  varies: boolean;
}

/** The sums behind D_o and D_e, with units counted `weight[u]` times (all once when weight is omitted). */
function disagreement(p: Prepared, weight?: Int32Array): Disagreement {
  const U = p.units;
  const w = (u: number) => (weight ? weight[u]! : 1);
  let n = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let u = 0; u < U; u++) {
    if (w(u) === 0) continue;
    n += w(u) * (p.start[u + 1]! - p.start[u]!);
    lo = Math.min(lo, p.unitMinCode[u]!);
    hi = Math.max(hi, p.unitMaxCode[u]!);
  }
  const varies = hi > lo;
  if (p.metric === 'interval') {
    let observed = 0;
    let S1 = 0;
    let S2 = 0;
    for (let u = 0; u < U; u++) {
      const wu = w(u);
      if (wu === 0) continue;
      observed += wu * p.unitObserved[u]!;
      S1 += wu * p.unitS1[u]!;
      S2 += wu * p.unitS2[u]!;
    }
    return { observed, expected: 2 * (n * S2 - S1 * S1), n, varies };
  }
  const V = p.distinct.length;
  const count = new Float64Array(V);
  for (let u = 0; u < U; u++) {
    const wu = w(u);
    if (wu === 0) continue;
    for (let i = p.start[u]!; i < p.start[u + 1]!; i++) count[p.codes[i]!]! += wu;
  }
  if (p.metric === 'nominal') {
    let observed = 0;
    for (let u = 0; u < U; u++) observed += w(u) * p.unitObserved[u]!;
    let sq = 0;
    for (let c = 0; c < V; c++) sq += count[c]! * count[c]!;
    return { observed, expected: n * n - sq, n, varies };
  }
  if (p.metric === 'ordinal') {
    // Mid-ranks among the pairable values; centred so the sums below do not cancel.
    const mid = new Float64Array(V);
    let below = 0;
    for (let c = 0; c < V; c++) {
      mid[c] = below + count[c]! / 2 - n / 2;
      below += count[c]!;
    }
    let observed = 0;
    let S1 = 0;
    let S2 = 0;
    for (let u = 0; u < U; u++) {
      const wu = w(u);
      if (wu === 0) continue;
      let s1 = 0;
      let s2 = 0;
      for (let i = p.start[u]!; i < p.start[u + 1]!; i++) {
        const x = mid[p.codes[i]!]!;
        s1 += x;
        s2 += x * x;
      }
      const m = p.start[u + 1]! - p.start[u]!;
      observed += (wu * 2 * (m * s2 - s1 * s1)) / (m - 1);
      S1 += wu * s1;
      S2 += wu * s2;
    }
    return { observed, expected: 2 * (n * S2 - S1 * S1), n, varies };
  }
  let observed = 0;
  for (let u = 0; u < U; u++) observed += w(u) * p.unitObserved[u]!;
  let expected = 0;
  for (let c = 0; c < V; c++) {
    if (count[c] === 0) continue;
    const a = p.distinct[c]!;
    for (let k = c + 1; k < V; k++) {
      if (count[k] === 0) continue;
      const b = p.distinct[k]!;
      expected += 2 * count[c]! * count[k]! * ((a - b) / (a + b)) ** 2;
    }
  }
  return { observed, expected, n, varies };
}

function alphaOf(d: Disagreement): number | null {
  if (!(d.n >= 2) || !d.varies) return null;
  return 1 - ((d.n - 1) * d.observed) / d.expected;
}

export function krippendorffAlpha(
  data: ReadonlyArray<ReadonlyArray<Value | null | undefined>>,
  opts: AlphaOptions = {},
): AlphaResult {
  const metric = opts.metric ?? 'interval';
  if (!ALPHA_METRICS.includes(metric))
    throw new RangeError(`unknown metric "${metric}"; use one of ${ALPHA_METRICS.join(', ')}`);
  const resamples = opts.bootstrap ?? 1000;
  const seed = opts.seed ?? 1;
  const level = opts.level ?? 0.95;
  const { p, coders } = prepare(data, metric);
  const d = disagreement(p);
  const alpha = alphaOf(d);
  let undefinedReason: string | undefined;
  if (p.units === 0) undefinedReason = 'no unit has two or more values, so nothing is pairable';
  else if (alpha === null)
    undefinedReason = 'the pairable values do not vary (expected disagreement is 0), so alpha is 0/0';

  let ci95: [number, number] | null = null;
  let boot: AlphaResult['bootstrap'] = null;
  if (resamples > 0 && alpha !== null) {
    const { values, undefinedCount } = bootstrapAlpha(p, resamples, seed);
    boot = { resamples, seed, undefinedResamples: undefinedCount };
    if (values.length > 0)
      ci95 = [quantileSorted(values, (1 - level) / 2), quantileSorted(values, 1 - (1 - level) / 2)];
  }
  const reasons: Reasons = {};
  if (alpha !== null && resamples <= 0)
    reasons.ci95 = reasons.bootstrap = 'no bootstrap resamples were asked for, so there is no interval';
  else if (alpha !== null && ci95 === null)
    reasons.ci95 = 'in every bootstrap resample the pairable values do not vary, so no resample has an alpha';
  const n = d.n;
  return withReasons(
    {
      alpha,
      metric,
      units: data.length,
      coders,
      pairable: n,
      n: p.units,
      observedDisagreement: n > 0 ? d.observed / n : null,
      expectedDisagreement: n > 1 ? d.expected / (n * (n - 1)) : null,
      ci95,
      bootstrap: boot,
      ...(undefinedReason ? { undefinedReason } : {}),
      method:
        `Krippendorff's alpha, ${metric} metric, from coincidences within ${p.units} pairable units (units with fewer than two values dropped)` +
        (boot
          ? `; ${Math.round(level * 100)}% percentile interval from ${resamples} bootstrap resamples of units (seed ${seed})`
          : ''),
    },
    reasons,
  );
}

/**
 * Bootstrap over units: each resample draws the pairable units with replacement and recomputes alpha, its
 * expected disagreement included, from the drawn units. Resamples whose values do not vary have no alpha and
 * are left out (and counted).
 */
function bootstrapAlpha(
  p: Prepared,
  resamples: number,
  seed: number,
): { values: Float64Array; undefinedCount: number } {
  const U = p.units;
  const drawsOf = resampleDraws(seed, U, resamples);
  const weight = new Int32Array(U);
  const out: number[] = [];
  let undefinedCount = 0;
  for (let b = 0; b < resamples; b++) {
    weight.fill(0);
    const draw = drawsOf(b);
    for (let i = 0; i < U; i++) weight[draw[i]!]!++;
    const a = alphaOf(disagreement(p, weight));
    if (a === null) undefinedCount++;
    else out.push(a);
  }
  return { values: Float64Array.from(out).sort(), undefinedCount };
}
