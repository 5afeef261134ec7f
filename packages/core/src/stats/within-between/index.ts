import { fisherInterval, pearsonR, type CorrelationResult } from '../correlation';
import { tTwoSidedP } from '../distributions';
import { groupBy, groupMeans, type PairedSeries } from '../grouping';

/**
 * Within/between decomposition of an association over sessions nested in clients: the between-client
 * correlation of client means (do clients who are higher on x tend to be higher on y?) and the
 * within-client correlation of client-mean-centred values (in sessions where a client is higher on x than
 * usual, is y higher than usual?). The pooled correlation is a blend of the two and answers neither.
 */

/** Each part is a correlation with its test and interval; n counts clients (between) or observations (within). */
export type DecompositionPart = CorrelationResult;

export interface WithinBetweenResult {
  between: DecompositionPart & { clients: number };
  within: DecompositionPart & { clients: number; observations: number };
  method: string;
}

function test(r: number, df: number): { t: number; p: number } {
  if (!(df > 0) || Number.isNaN(r)) return { t: NaN, p: NaN };
  const t = r * Math.sqrt(df / (1 - r * r));
  return { t, p: Math.abs(r) === 1 ? 0 : tTwoSidedP(t, df) };
}

export function withinBetween(data: PairedSeries): WithinBetweenResult {
  const n = data.x.length;
  if (data.y.length !== n || data.subject.length !== n)
    throw new RangeError('subject, x and y must have the same length');
  const g = groupBy(data.subject);
  const k = g.levels.length;
  if (k < 3) throw new RangeError(`the within/between decomposition needs at least three clients, found ${k}`);
  const mx = groupMeans(g, data.x);
  const my = groupMeans(g, data.y);
  const rb = pearsonR(mx, my);
  const dfb = k - 2;

  const cx = new Float64Array(n);
  const cy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    cx[i] = data.x[i]! - mx[g.index[i]!]!;
    cy[i] = data.y[i]! - my[g.index[i]!]!;
  }
  const rw = pearsonR(cx, cy);
  // Centring spends one df per client mean: N − k − 1, not N − 2 (Bakdash & Marusich 2017).
  const dfw = n - k - 1;
  return {
    between: {
      r: rb,
      ci95: k > 3 && !Number.isNaN(rb) ? fisherInterval(rb, 1 / Math.sqrt(k - 3)) : null,
      n: k,
      clients: k,
      df: dfb,
      ...test(rb, dfb),
      method:
        'Pearson correlation of client means (each client weighted equally); t-test on k − 2 df; 95% CI by Fisher z, SE 1/√(k − 3)',
    },
    within: {
      r: rw,
      ci95: dfw > 1 && !Number.isNaN(rw) ? fisherInterval(rw, 1 / Math.sqrt(dfw - 1)) : null,
      n,
      clients: k,
      observations: n,
      df: dfw,
      ...test(rw, dfw),
      method:
        'Pearson correlation of client-mean-centred values; df = N − k − 1 (one per client mean), so r, p and CI equal the repeated-measures correlation',
    },
    method:
      'within/between decomposition: between = correlation of client means; within = correlation of client-mean-centred values',
  };
}
