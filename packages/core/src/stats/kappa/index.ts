import {
  agreementWeights,
  sortCategories,
  type Category,
  type WeightBasis,
  type WeightScheme,
} from '../agreement-weights';
import { normalCdf, normalQuantile } from '../distributions';
import { isNoise, type Reasons, withReasons } from '../reasons';

/**
 * Cohen's kappa for two raters, unweighted or with linear or quadratic agreement weights.
 *
 * Standard errors (Fleiss, Cohen & Everitt 1969):
 * - `se`, the large-sample SE of the estimate — the "ASE" SAS PROC FREQ prints, the one psych::cohen.kappa uses
 *   for unweighted kappa and irrCAC's kappa2.table for both — gives the interval kappa ± z·se (normal, as SAS
 *   and psych; not truncated to [−1, 1]).
 * - `se0`, the SE under the null hypothesis kappa = 0, gives z and the two-sided p, as irr::kappa2 and SAS.
 * psych's weighted-kappa variance departs from Fleiss, Cohen & Everitt (its column-weight term multiplies each
 * row's margin by the row's total weight), so for weighted kappa `se` follows SAS rather than psych.
 */

export interface KappaTableResult {
  /** null when undefined: chance agreement is 1 (both raters used one category only). */
  kappa: number | null;
  se: number | null;
  ci95: [number, number] | null;
  se0: number | null;
  z: number | null;
  p: number | null;
  /** Observed and chance (weighted) agreement. */
  po: number;
  pe: number;
  n: number;
  reasons?: Reasons;
}

/** Kappa from a q × q table of counts (rows rater 1, columns rater 2) and a q × q agreement-weight matrix. */
export function kappaFromTable(
  table: ReadonlyArray<ReadonlyArray<number>>,
  weights: ReadonlyArray<ReadonlyArray<number>>,
  level = 0.95,
): KappaTableResult {
  const q = table.length;
  let N = 0;
  for (const row of table) for (const c of row) N += c;
  const pr = new Float64Array(q);
  const pc = new Float64Array(q);
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < q; j++) {
      const pij = table[i]![j]! / N;
      pr[i]! += pij;
      pc[j]! += pij;
    }
  }
  let po = 0;
  let pe = 0;
  const wr = new Float64Array(q);
  const wc = new Float64Array(q);
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < q; j++) {
      const w = weights[i]![j]!;
      po += (w * table[i]![j]!) / N;
      pe += w * pr[i]! * pc[j]!;
      wr[i]! += w * pc[j]!;
      wc[j]! += w * pr[i]!;
    }
  }
  if (!(N > 0) || !(1 - pe > 1e-15))
    return { kappa: null, se: null, ci95: null, se0: null, z: null, p: null, po, pe, n: N };
  // po = pe exactly when one rater uses a single category; rounding must not turn that into a kappa of 1e-16.
  const kappa = isNoise(po - pe, pe) ? 0 : (po - pe) / (1 - pe);
  let s1 = 0;
  let s0 = 0;
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < q; j++) {
      const w = weights[i]![j]!;
      const pij = table[i]![j]! / N;
      s1 += pij * (w * (1 - pe) - (wr[i]! + wc[j]!) * (1 - po)) ** 2;
      s0 += pr[i]! * pc[j]! * (w - (wr[i]! + wc[j]!)) ** 2;
    }
  }
  // Each variance is a difference of terms that cancel exactly in degenerate tables (raters who agree on
  // every subject; a rater who uses one category); what rounding leaves of them is 0, not an SE.
  const v1 = s1 - (po * pe - 2 * pe + po) ** 2;
  const v0 = s0 - pe * pe;
  const variance = isNoise(v1, s1) ? 0 : v1 / (N * (1 - pe) ** 4);
  const variance0 = isNoise(v0, s0) ? 0 : v0 / (N * (1 - pe) ** 2);
  const se = Math.sqrt(Math.max(0, variance));
  const se0 = Math.sqrt(Math.max(0, variance0));
  const zq = normalQuantile(1 - (1 - level) / 2);
  const z = se0 > 0 ? kappa / se0 : null;
  const reasons: Reasons = {};
  if (z === null)
    reasons.z = reasons.p =
      'one rater used a single category, so kappa is 0 whatever the other rater does: its SE under kappa = 0 is 0 and z is 0/0';
  return withReasons(
    {
      kappa,
      se,
      ci95: [kappa - zq * se, kappa + zq * se],
      se0,
      z,
      p: z === null ? null : 2 * normalCdf(-Math.abs(z)),
      po,
      pe,
      n: N,
    },
    reasons,
  );
}

export interface CohenKappaOptions {
  weights?: WeightScheme;
  /** How weights measure the distance between categories; see agreement-weights.ts. Default 'values'. */
  basis?: WeightBasis;
  /** The full scale, when some categories may go unused; default: the categories observed, sorted. */
  categories?: ReadonlyArray<Category>;
  level?: number;
}

export interface CohenKappaResult extends KappaTableResult {
  weights: WeightScheme;
  basis: WeightBasis;
  categories: Category[];
  /** Counts, rows rater 1 and columns rater 2, in the order of `categories`. */
  table: number[][];
  /** Subjects left out because one of the two ratings is missing. */
  unpaired: number;
  undefinedReason?: string;
  method: string;
}

/** Cohen's kappa of two raters' ratings of the same subjects (index i of each array is one subject; null = missing). */
export function cohenKappa(
  rater1: ReadonlyArray<Category | null>,
  rater2: ReadonlyArray<Category | null>,
  opts: CohenKappaOptions = {},
): CohenKappaResult {
  if (rater1.length !== rater2.length)
    throw new RangeError(`rater 1 has ${rater1.length} ratings but rater 2 has ${rater2.length}`);
  const scheme = opts.weights ?? 'unweighted';
  const basis = opts.basis ?? 'values';
  const pairs: Array<[Category, Category]> = [];
  for (let i = 0; i < rater1.length; i++) {
    const a = rater1[i];
    const b = rater2[i];
    if (a !== null && a !== undefined && b !== null && b !== undefined) pairs.push([a, b]);
  }
  const categories = opts.categories ? [...opts.categories] : sortCategories(pairs.flat());
  const index = new Map<Category, number>(categories.map((c, i) => [c, i]));
  const q = categories.length;
  const table = categories.map(() => new Array<number>(q).fill(0));
  for (const [a, b] of pairs) {
    const i = index.get(a);
    const j = index.get(b);
    if (i === undefined || j === undefined)
      throw new RangeError(
        `rating ${JSON.stringify(i === undefined ? a : b)} is not one of the categories ${categories.join(', ')}`,
      );
    table[i]![j]!++;
  }
  if (pairs.length === 0) throw new RangeError('no subject has ratings from both raters');
  const res = kappaFromTable(table, agreementWeights(categories, scheme, basis), opts.level ?? 0.95);
  const weightText =
    scheme === 'unweighted'
      ? "Cohen's kappa (unweighted)"
      : `weighted kappa, ${scheme === 'linear' ? 'linear (Cicchetti–Allison)' : 'quadratic (Fleiss–Cohen)'} weights on the categories' ${basis === 'values' && categories.every((c) => typeof c === 'number') ? 'values' : 'positions'}`;
  return {
    ...res,
    weights: scheme,
    basis,
    categories,
    table,
    unpaired: rater1.length - pairs.length,
    ...(res.kappa === null
      ? { undefinedReason: 'chance agreement is 1 (both raters used a single category), so kappa is 0/0' }
      : {}),
    method:
      `${weightText}; SE: Fleiss, Cohen & Everitt (1969) large-sample (SAS ASE), ${Math.round((opts.level ?? 0.95) * 100)}% CI kappa ± z·SE; ` +
      'z and two-sided p from the SE under kappa = 0' +
      (rater1.length > pairs.length ? `; ${rater1.length - pairs.length} subjects without both ratings left out` : ''),
  };
}
