import { sortCategories, type Category } from './agreement-weights';

/**
 * Subjects × categories counts (how many raters put subject i in category k), the form Fleiss' kappa and Gwet's
 * coefficients are computed from. Subjects with no rating at all carry no information and are left out.
 */
export interface RatingCounts {
  categories: Category[];
  /** counts[i][k]: raters who put subject i in categories[k]. */
  counts: number[][];
  /** Subjects in the input with no rating at all (left out of `counts`). */
  unrated: number;
  /** Most raters on any one subject. */
  raters: number;
}

export function ratingCounts(
  ratings: ReadonlyArray<ReadonlyArray<Category | null | undefined>>,
  categories?: ReadonlyArray<Category>,
): RatingCounts {
  const cats = categories
    ? [...categories]
    : sortCategories(ratings.flatMap((r) => r.filter((v): v is Category => v !== null && v !== undefined)));
  const index = new Map<Category, number>(cats.map((c, i) => [c, i]));
  const counts: number[][] = [];
  let unrated = 0;
  let raters = 0;
  for (const row of ratings) {
    const c = new Array<number>(cats.length).fill(0);
    let m = 0;
    for (const v of row) {
      if (v === null || v === undefined) continue;
      const k = index.get(v);
      if (k === undefined)
        throw new RangeError(`rating ${JSON.stringify(v)} is not one of the categories ${cats.join(', ')}`);
      c[k]!++;
      m++;
    }
    if (m === 0) unrated++;
    else counts.push(c);
    raters = Math.max(raters, row.length);
  }
  return { categories: cats, counts, unrated, raters };
}

/**
 * Weighted percent agreement on counts, as Gwet (2014) and irrCAC define it for any number of raters with
 * missing ratings: subject i's agreement is Σ_k r_ik (r*_ik − 1) / (r_i (r_i − 1)) with r*_ik = Σ_l w_kl r_il,
 * averaged over the subjects with two or more ratings. Also returns what the coefficients' chance terms and
 * linearised variances need: per-subject agreement (0 for subjects rated once), rating totals, and the mean
 * classification probabilities π_k = mean_i(r_ik / r_i) over all rated subjects.
 */
export interface AgreementCore {
  n: number;
  /** Subjects with at least two ratings. */
  n2: number;
  q: number;
  pa: number;
  paSubject: Float64Array;
  ratedTwice: Uint8Array;
  total: Float64Array;
  pi: Float64Array;
}

export function agreementCore(
  counts: ReadonlyArray<ReadonlyArray<number>>,
  w: ReadonlyArray<ReadonlyArray<number>>,
): AgreementCore {
  const n = counts.length;
  const q = w.length;
  const paSubject = new Float64Array(n);
  const ratedTwice = new Uint8Array(n);
  const total = new Float64Array(n);
  const pi = new Float64Array(q);
  let pa = 0;
  let n2 = 0;
  for (let i = 0; i < n; i++) {
    const r = counts[i]!;
    let ri = 0;
    for (let k = 0; k < q; k++) ri += r[k]!;
    total[i] = ri;
    for (let k = 0; k < q; k++) pi[k]! += r[k]! / ri / n;
    if (ri < 2) continue;
    let s = 0;
    for (let k = 0; k < q; k++) {
      if (r[k] === 0) continue;
      let rw = 0;
      for (let l = 0; l < q; l++) rw += w[k]![l]! * r[l]!;
      s += r[k]! * (rw - 1);
    }
    paSubject[i] = s / (ri * (ri - 1));
    ratedTwice[i] = 1;
    pa += paSubject[i]!;
    n2++;
  }
  return { n, n2, q, pa: pa / n2, paSubject, ratedTwice, total, pi };
}

/**
 * Gwet's linearised variance of a chance-corrected coefficient κ = (pa − pe)/(1 − pe) over subjects (Gwet
 * 2008; irrCAC's *.raw functions, no finite-population correction): each subject's term is
 * (n/n₂)(pa_i − pe·[r_i ≥ 2])/(1 − pe) − 2(1 − κ)(pe_i − pe)/(1 − pe), and the variance is their spread over
 * n(n − 1).
 */
export function linearisedVariance(
  core: AgreementCore,
  coefficient: number,
  pe: number,
  peSubject: (i: number) => number,
): number {
  const { n, n2 } = core;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const ki = ((n / n2) * (core.paSubject[i]! - (core.ratedTwice[i] ? pe : 0))) / (1 - pe);
    const x = ki - (2 * (1 - coefficient) * (peSubject(i) - pe)) / (1 - pe);
    ss += (x - coefficient) ** 2;
  }
  return ss / (n * (n - 1));
}
