/**
 * Agreement weights for weighted kappa and Gwet's AC2: w = 1 on the diagonal, falling with the distance between
 * two categories (linear: 1 − |d|/range, Cicchetti–Allison; quadratic: 1 − d²/range², Fleiss–Cohen).
 *
 * Two conventions exist for the distance, and they differ as soon as a category is skipped:
 * - 'values': the categories' numeric values (irrCAC's weights; SAS with numeric scores). Labels that are not
 *   all numbers fall back to their positions.
 * - 'levels': the positions 1..q of the categories in order, whatever their values (irr::kappa2 and
 *   psych::cohen.kappa, which take the levels actually observed, so an unused category closes the gap).
 */
export const WEIGHT_SCHEMES = ['unweighted', 'linear', 'quadratic'] as const;
export type WeightScheme = (typeof WEIGHT_SCHEMES)[number];
export const WEIGHT_BASES = ['values', 'levels'] as const;
export type WeightBasis = (typeof WEIGHT_BASES)[number];

export type Category = number | string;

/** Sorts categories: numerically when all are numbers, otherwise as strings. */
export function sortCategories<T extends Category>(cats: Iterable<T>): T[] {
  const list = Array.from(new Set(cats));
  if (list.every((c) => typeof c === 'number')) return (list as number[]).sort((a, b) => a - b) as T[];
  return list.sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

/** The q × q weight matrix for the categories in the order given. */
export function agreementWeights(
  categories: ReadonlyArray<Category>,
  scheme: WeightScheme,
  basis: WeightBasis = 'values',
): number[][] {
  const q = categories.length;
  if (scheme === 'unweighted' || q < 2) return categories.map((_, i) => categories.map((_, j) => (i === j ? 1 : 0)));
  const numeric = basis === 'values' && categories.every((c) => typeof c === 'number');
  const x = numeric ? (categories as number[]) : categories.map((_, i) => i + 1);
  const range = Math.max(...x) - Math.min(...x);
  return x.map((a) =>
    x.map((b) => {
      const d = Math.abs(a - b) / range;
      return scheme === 'linear' ? 1 - d : 1 - d * d;
    }),
  );
}
