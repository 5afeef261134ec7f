import { fQuantile } from '../distributions';
import { isNoise, type Reasons, withReasons } from '../reasons';
import { omegaTotal } from './omega';

export { multilevelReliability, type MultilevelReliability, type MultilevelRow } from './multilevel';
export { minresOneFactor, omegaTotal } from './omega';

export interface ItemConsistency {
  item: string;
  /** Corrected item–total correlation: the item with the sum of the other items (psych's r.drop). */
  rDrop: number | null;
  /** Raw alpha of the other items. */
  alphaIfDropped: number | null;
  reasons?: Reasons;
}

export interface InternalConsistency {
  /** Complete rows used. */
  n: number;
  /** Rows left out because an item was missing. */
  dropped: number;
  alpha: {
    raw: number | null;
    standardized: number | null;
    ci95: [number, number] | null;
    undefinedReason?: string;
    reasons?: Reasons;
  };
  omega: { total: number | null; loadings: number[] | null; reasons?: Reasons };
  items: ItemConsistency[];
  method: string;
}

export const CONSISTENCY_METHOD =
  "Cronbach's alpha on complete cases (psych::alpha: raw from the covariances, standardised from the correlations), " +
  'Feldt 95% CI (psych::alpha.ci), alpha if dropped and r.drop from the covariances; ' +
  'omega total from a one-factor minres fit to the correlations (psych::omega, nfactors = 1)';

function covariance(rows: ReadonlyArray<ReadonlyArray<number>>, p: number): number[][] {
  const n = rows.length;
  const mean = new Array<number>(p).fill(0);
  for (const r of rows) for (let j = 0; j < p; j++) mean[j]! += r[j]! / n;
  const c = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (const r of rows)
    for (let i = 0; i < p; i++)
      for (let j = i; j < p; j++) c[i]![j]! += ((r[i]! - mean[i]!) * (r[j]! - mean[j]!)) / (n - 1);
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) c[i]![j] = c[j]![i]!;
  // A constant column's variance is rounding noise at the size of its values; make it exactly 0.
  for (let i = 0; i < p; i++) {
    const scale = Math.max(...rows.map((r) => r[i]! * r[i]!));
    if (isNoise(c[i]![i]!, scale)) for (let j = 0; j < p; j++) c[i]![j] = c[j]![i] = 0;
  }
  return c;
}

function sumAll(m: ReadonlyArray<ReadonlyArray<number>>, skip = -1): number {
  let s = 0;
  for (let i = 0; i < m.length; i++) {
    if (i === skip) continue;
    for (let j = 0; j < m.length; j++) if (j !== skip) s += m[i]![j]!;
  }
  return s;
}

function traceOf(m: ReadonlyArray<ReadonlyArray<number>>, skip = -1): number {
  let s = 0;
  for (let i = 0; i < m.length; i++) if (i !== skip) s += m[i]![i]!;
  return s;
}

/** psych's raw alpha of a covariance matrix, items `skip` left out; null when the total does not vary. */
function rawAlpha(c: ReadonlyArray<ReadonlyArray<number>>, skip = -1): number | null {
  const k = skip >= 0 ? c.length - 1 : c.length;
  const total = sumAll(c, skip);
  if (!(total > 0) || isNoise(total, traceOf(c, skip))) return null;
  return (1 - traceOf(c, skip) / total) * (k / (k - 1));
}

/**
 * Internal consistency of k items over respondents, as psych::alpha and psych::omega(nfactors = 1) compute it
 * on complete cases. `rows` are respondents, one value per item (`null` missing; such rows are dropped and
 * counted). Throws a RangeError for fewer than two items or two complete rows: nothing can be computed.
 */
export function internalConsistency(
  rows: ReadonlyArray<ReadonlyArray<number | null>>,
  items: ReadonlyArray<string>,
): InternalConsistency {
  const p = items.length;
  if (p < 2) throw new RangeError(`internal consistency needs at least two items, got ${p}`);
  for (const [i, r] of rows.entries())
    if (r.length !== p) throw new RangeError(`row ${i + 1} has ${r.length} values for ${p} items`);
  const complete = rows.filter((r) => r.every((v) => v !== null && Number.isFinite(v))) as number[][];
  const dropped = rows.length - complete.length;
  const n = complete.length;
  if (n < 2)
    throw new RangeError(
      `internal consistency needs at least two complete rows, got ${n} (${dropped} of ${rows.length} had a missing item)`,
    );
  const c = covariance(complete, p);
  const constant = items.filter((_, i) => c[i]![i] === 0);
  const constantReason = `item${constant.length > 1 ? 's' : ''} ${constant.join(', ')} do${constant.length > 1 ? '' : 'es'} not vary`;

  const raw = rawAlpha(c);
  const alphaReasons: Reasons = {};
  let standardized: number | null = null;
  if (constant.length > 0) alphaReasons.standardized = `the correlations are undefined: ${constantReason}`;
  else {
    const sd = c.map((row, i) => Math.sqrt(row[i]!));
    const sumR = sumAll(c.map((row, i) => row.map((v, j) => v / (sd[i]! * sd[j]!))));
    standardized = (1 - p / sumR) * (p / (p - 1));
  }
  let ci95: [number, number] | null = null;
  if (raw !== null) {
    // Feldt (1965) as psych::alpha.ci: F quantiles on (n − 1, (n − 1)(k − 1)) degrees of freedom.
    const df1 = n - 1;
    const df2 = (n - 1) * (p - 1);
    ci95 = [1 - (1 - raw) * fQuantile(0.975, df1, df2), 1 - (1 - raw) * fQuantile(0.025, df1, df2)];
  }

  const itemsOut: ItemConsistency[] = items.map((item, i) => {
    const reasons: Reasons = {};
    let rDrop: number | null = null;
    const rest = sumAll(c, i);
    if (c[i]![i] === 0) reasons.rDrop = `${item} does not vary`;
    else if (!(rest > 0)) reasons.rDrop = 'the other items do not vary together';
    else {
      let cov = 0;
      for (let j = 0; j < p; j++) if (j !== i) cov += c[i]![j]!;
      rDrop = cov / Math.sqrt(c[i]![i]! * rest);
    }
    let alphaIfDropped: number | null = null;
    if (p < 3) reasons.alphaIfDropped = 'one item is left, and alpha needs two';
    else {
      alphaIfDropped = rawAlpha(c, i);
      if (alphaIfDropped === null) reasons.alphaIfDropped = 'the sum of the other items does not vary';
    }
    return withReasons({ item, rDrop, alphaIfDropped }, reasons);
  });

  const omegaReasons: Reasons = {};
  let omega: InternalConsistency['omega'];
  if (constant.length > 0) {
    omegaReasons.total = omegaReasons.loadings = `the correlations are undefined: ${constantReason}`;
    omega = withReasons({ total: null, loadings: null }, omegaReasons);
  } else {
    const sd = c.map((row, i) => Math.sqrt(row[i]!));
    const r = c.map((row, i) => row.map((v, j) => (i === j ? 1 : v / (sd[i]! * sd[j]!))));
    const om = omegaTotal(r);
    omega = { total: om.total, loadings: om.loadings };
  }

  const alpha =
    raw === null
      ? withReasons(
          {
            raw,
            standardized,
            ci95,
            undefinedReason:
              constant.length === p ? 'no item varies' : 'the sum of the items does not vary (its variance is 0)',
          },
          alphaReasons,
        )
      : withReasons({ raw, standardized, ci95 }, alphaReasons);
  return {
    n,
    dropped,
    alpha,
    omega,
    items: itemsOut,
    method: `${CONSISTENCY_METHOD}; ${n} complete rows, ${dropped} dropped`,
  };
}
