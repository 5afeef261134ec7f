import { agreementWeights, type Category, type WeightBasis, type WeightScheme } from '../agreement-weights';
import { normalCdf } from '../distributions';
import { agreementInference, SE_NOISE } from '../gwet-ac';
import { agreementCore, linearisedVariance, ratingCounts } from '../rating-counts';
import { type Reasons, withReasons } from '../reasons';

/**
 * Fleiss' kappa for many raters, with a kappa for each category (Fleiss 1971: category k against all others).
 *
 * With every subject rated by the same m raters this is Fleiss (1971) exactly. With missing ratings it is the
 * generalisation irrCAC uses (fleiss.kappa.raw, Gwet 2014): agreement averaged over subjects with two or more
 * ratings, π_k the mean over subjects of r_ik / r_i. Its SE is Gwet's linearised one (interval κ ± t(n−1)·SE
 * capped at 1, two-sided t p-value, as irrCAC). When every subject has the same number of raters, the SEs under
 * κ = 0 of Fleiss, Nee & Landis (1979) are given too, with z and two-sided p, as irr::kappam.fleiss reports.
 */

export interface FleissOptions {
  /** Agreement weights (irrCAC's weighted generalisation); per-category kappas are always unweighted. */
  weights?: WeightScheme;
  basis?: WeightBasis;
  categories?: ReadonlyArray<Category>;
  level?: number;
}

export interface FleissCategory {
  category: Category;
  /** Mean share of the subject's ratings in this category (p_j of Fleiss 1971). */
  proportion: number;
  kappa: number | null;
  se0: number | null;
  z: number | null;
  p: number | null;
  reasons?: Reasons;
  undefinedReason?: string;
}

export interface FleissResult {
  kappa: number | null;
  se: number | null;
  ci95: [number, number] | null;
  /** Two-sided p of H0: κ = 0 from t(n − 1), as irrCAC. */
  p: number | null;
  /** Fleiss, Nee & Landis (1979) SE under κ = 0, and its z and two-sided p; null unless every subject has the same number of raters. */
  se0: number | null;
  z: number | null;
  p0: number | null;
  /** Observed and chance agreement; null (with `undefinedReason`) when no subject has two ratings. */
  pa: number | null;
  pe: number | null;
  n: number;
  raters: number;
  /** Whether every subject has the same number of ratings. */
  balanced: boolean;
  categories: FleissCategory[];
  weights: WeightScheme;
  unrated: number;
  reasons?: Reasons;
  undefinedReason?: string;
  method: string;
}

export function fleissKappa(
  ratings: ReadonlyArray<ReadonlyArray<Category | null | undefined>>,
  opts: FleissOptions = {},
): FleissResult {
  const rc = ratingCounts(ratings, opts.categories);
  return fleissKappaFromCounts(rc.counts, rc.categories, { ...opts, unrated: rc.unrated });
}

interface Core {
  kappa: number | null;
  se: number | null;
  pa: number;
  pe: number;
}

function fleissCore(
  counts: ReadonlyArray<ReadonlyArray<number>>,
  w: ReadonlyArray<ReadonlyArray<number>>,
): Core & { pi: Float64Array } {
  const q = w.length;
  const core = agreementCore(counts, w);
  let pe = 0;
  for (let k = 0; k < q; k++) for (let l = 0; l < q; l++) pe += w[k]![l]! * core.pi[k]! * core.pi[l]!;
  if (core.n2 === 0 || !(1 - pe > 1e-15)) return { kappa: null, se: null, pa: core.pa, pe, pi: core.pi };
  const kappa = (core.pa - pe) / (1 - pe);
  // π̄_k: the weighted classification probabilities, symmetrised (W π + W'π)/2.
  const piw = new Float64Array(q);
  for (let k = 0; k < q; k++) for (let l = 0; l < q; l++) piw[k]! += ((w[k]![l]! + w[l]![k]!) / 2) * core.pi[l]!;
  const peSubject = (i: number) => {
    const r = counts[i]!;
    let t = 0;
    for (let k = 0; k < q; k++) t += r[k]! * piw[k]!;
    return t / core.total[i]!;
  };
  const se = core.n >= 2 ? Math.sqrt(linearisedVariance(core, kappa, pe, peSubject)) : null;
  return { kappa, se, pa: core.pa, pe, pi: core.pi };
}

export function fleissKappaFromCounts(
  counts: ReadonlyArray<ReadonlyArray<number>>,
  categories: ReadonlyArray<Category>,
  opts: FleissOptions & { unrated?: number } = {},
): FleissResult {
  const scheme = opts.weights ?? 'unweighted';
  const level = opts.level ?? 0.95;
  const q = categories.length;
  const n = counts.length;
  const totals = counts.map((r) => r.reduce((a, b) => a + b, 0));
  const m = totals.length ? Math.max(...totals) : 0;
  const balanced = n > 0 && totals.every((t) => t === m) && m >= 2;
  const main = fleissCore(counts, agreementWeights(categories, scheme, opts.basis ?? 'values'));
  const ratedTwice = totals.filter((t) => t >= 2).length;
  const reasons: Reasons = {};
  if (main.kappa !== null && main.se === null)
    for (const key of ['se', 'ci95', 'p']) reasons[key] = 'only one subject has two or more ratings, so there is no SE';
  const inf =
    main.kappa !== null && main.se !== null
      ? agreementInference(main.kappa, main.se, n, level, reasons)
      : { ci95: null, p: null };

  // Fleiss, Nee & Landis (1979): var0(κ) = 2 [(Σ p q)² − Σ p q (q − p)] / (n m (m − 1) (Σ p q)²); var0(κ_j) = 2 / (n m (m − 1)).
  let se0: number | null = null;
  const base0 = balanced ? Math.sqrt(2 / (n * m * (m - 1))) : null;
  if (balanced && scheme === 'unweighted') {
    let spq = 0;
    let spqd = 0;
    for (let k = 0; k < q; k++) {
      const p = main.pi[k]!;
      spq += p * (1 - p);
      spqd += p * (1 - p) * (1 - 2 * p);
    }
    const v = spq * spq - spqd;
    // With one category in use every p(1 − p) is 0 in exact arithmetic; rounding leaves ~1e-17, whose ratio
    // would be presented as an SE of millions. Both terms are judged against their own scale.
    if (spq > 1e-12 && v > 1e-12 * spq * spq) se0 = (base0! * Math.sqrt(v)) / spq;
  }
  const z = se0 && main.kappa !== null ? main.kappa / se0 : null;
  if (main.kappa !== null && z === null) {
    const why = !balanced
      ? 'subjects have different numbers of ratings; the Fleiss, Nee & Landis SE under kappa = 0 needs the same number for each'
      : scheme !== 'unweighted'
        ? 'the Fleiss, Nee & Landis SE under kappa = 0 is defined for unweighted kappa only'
        : 'the category proportions leave the SE under kappa = 0 at 0/0';
    for (const key of ['se0', 'z', 'p0']) reasons[key] = why;
  }

  const perCategory: FleissCategory[] = categories.map((category, k) => {
    const binary = counts.map((r, i) => [r[k]!, totals[i]! - r[k]!]);
    const b = fleissCore(binary, agreementWeights([1, 2], 'unweighted'));
    const zk = b.kappa !== null && base0 ? b.kappa / base0 : null;
    const entry: FleissCategory = {
      category,
      proportion: main.pi[k]!,
      kappa: b.kappa,
      se0: base0 && b.kappa !== null ? base0 : null,
      z: zk,
      p: zk === null ? null : 2 * normalCdf(-Math.abs(zk)),
    };
    if (b.kappa === null)
      return {
        ...entry,
        undefinedReason:
          ratedTwice === 0
            ? 'no subject has two or more ratings'
            : `every rating is "${String(category)}", or none is, so this category's kappa is 0/0`,
      };
    const why: Reasons = {};
    if (!base0)
      for (const key of ['se0', 'z', 'p'])
        why[key] = 'subjects have different numbers of ratings; the SE under kappa = 0 needs the same number for each';
    return withReasons(entry, why);
  });

  return withReasons(
    {
      kappa: main.kappa,
      se: main.se !== null && main.se <= SE_NOISE ? 0 : main.se,
      ci95: inf.ci95,
      p: inf.p,
      se0,
      z,
      p0: z === null ? null : 2 * normalCdf(-Math.abs(z)),
      pa: ratedTwice > 0 ? main.pa : null,
      pe: ratedTwice > 0 ? main.pe : null,
      n,
      raters: m,
      balanced,
      categories: perCategory,
      weights: scheme,
      unrated: opts.unrated ?? 0,
      ...(main.kappa === null
        ? {
            undefinedReason:
              ratedTwice === 0
                ? n === 0
                  ? 'no subject has any rating, so no subject has two or more ratings'
                  : 'no subject has two or more ratings'
                : q < 2
                  ? 'only one category is in use, so kappa is 0/0'
                  : 'chance agreement is 1 (every rating is in one category), so kappa is 0/0',
          }
        : {}),
      method:
        `Fleiss' kappa${scheme === 'unweighted' ? '' : ` with ${scheme} weights`} (Fleiss 1971; generalised to missing ratings as irrCAC fleiss.kappa.raw), ` +
        `per-category kappas of each category against the rest; SE by Gwet's linearisation, ${Math.round(level * 100)}% CI kappa ± t(n−1)·SE capped at 1` +
        (balanced && scheme === 'unweighted' ? '; se0, z and p0 under kappa = 0 from Fleiss, Nee & Landis (1979)' : ''),
    },
    reasons,
  );
}
