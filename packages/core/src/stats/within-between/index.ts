import { type CorrelationResult, correlationTest, FISHER_CI_REASON, fisherInterval, pearsonR } from '../correlation';
import { type Reasons, withReasons } from '../reasons';
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

/**
 * One part of the decomposition. `size` is what the df are counted from; `noVariation` says why r is missing
 * when the part's values do not vary.
 */
function part(
  r: number,
  df: number,
  n: number,
  ciSe: number | null,
  why: { r: string; df: string; ci: string },
  method: string,
): DecompositionPart {
  const reasons: Reasons = {};
  const rDefined = !Number.isNaN(r);
  const dfDefined = df >= 0;
  if (!dfDefined) for (const key of ['df', 'r', 't', 'p', 'ci95']) reasons[key] = why.df;
  else if (!rDefined) for (const key of ['r', 't', 'p', 'ci95']) reasons[key] = why.r;
  let t: number | null = null;
  let p: number | null = null;
  if (dfDefined && rDefined) {
    if (df > 0) ({ t, p } = correlationTest(r, df, reasons));
    else reasons.t = reasons.p = 'no degrees of freedom are left for the test (df = 0)';
  }
  const ci95 = dfDefined && rDefined && ciSe !== null ? fisherInterval(r, ciSe) : null;
  if (ci95 === null) reasons.ci95 ??= why.ci;
  return withReasons(
    { r: dfDefined && rDefined ? r : null, ci95, n, df: dfDefined ? df : null, t, p, method },
    reasons,
  );
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
  const oneSession = n === k;
  return {
    between: {
      ...part(
        rb,
        dfb,
        k,
        k > 3 ? 1 / Math.sqrt(k - 3) : null,
        {
          r: 'the client means of x or of y do not vary, so their correlation is 0/0',
          df: '',
          ci: FISHER_CI_REASON('k (clients)'),
        },
        'Pearson correlation of client means (each client weighted equally); t-test on k − 2 df; 95% CI by Fisher z, SE 1/√(k − 3)',
      ),
      clients: k,
    },
    within: {
      ...part(
        rw,
        dfw,
        n,
        dfw > 1 ? 1 / Math.sqrt(dfw - 1) : null,
        {
          r: 'x or y does not vary within any client, so the within-client correlation is 0/0',
          df: oneSession
            ? 'every client has one session, so nothing varies within clients (df = N − k − 1 would be −1)'
            : `df = N − k − 1 = ${dfw} is negative`,
          ci: 'the Fisher-z interval needs df = N − k − 1 > 1',
        },
        'Pearson correlation of client-mean-centred values; df = N − k − 1 (one per client mean), so r, p and CI equal the repeated-measures correlation',
      ),
      clients: k,
      observations: n,
    },
    method:
      'within/between decomposition: between = correlation of client means; within = correlation of client-mean-centred values',
  };
}
export * from './cluster-bootstrap';
