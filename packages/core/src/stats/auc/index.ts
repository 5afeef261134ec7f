import { createRng, quantileSorted } from '../random';

/**
 * Area under the ROC curve for a score against a binary criterion, with a bootstrap confidence interval.
 * AUC is the Mann–Whitney probability that a random positive case scores above a random negative one, ties
 * counting one half; computed from midranks in O(n log n).
 */

export interface AucResult {
  estimate: number;
  ci: [number, number];
  level: number;
  nPositive: number;
  nNegative: number;
  method: string;
}

export interface AucOptions {
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /** Seed of the resampling generator: the same seed gives the same interval. */
  seed?: number;
  /** Confidence level (default 0.95). */
  level?: number;
}

/** The AUC of `scores` for telling positives (true) from negatives (false). */
export function auc(scores: readonly number[], positive: readonly boolean[]): number {
  if (scores.length !== positive.length)
    throw new RangeError(`auc: ${scores.length} scores but ${positive.length} labels`);
  const nPos = positive.filter(Boolean).length;
  const nNeg = positive.length - nPos;
  if (nPos === 0 || nNeg === 0) throw new RangeError('auc: needs at least one positive and one negative case');
  for (const s of scores) if (!Number.isFinite(s)) throw new RangeError('auc: scores must be finite numbers');
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPos = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const midrank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (positive[order[k]!]) rankSumPos += midrank;
    i = j + 1;
  }
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * AUC with a percentile bootstrap interval. Resampling is stratified (positives and negatives resampled
 * separately, each at its own size), because the class sizes are fixed by the design, not random.
 */
export function aucWithCi(scores: readonly number[], positive: readonly boolean[], opts: AucOptions = {}): AucResult {
  const resamples = opts.resamples ?? 2000;
  const seed = opts.seed ?? 1;
  const level = opts.level ?? 0.95;
  const estimate = auc(scores, positive);
  const pos = scores.filter((_, i) => positive[i]);
  const neg = scores.filter((_, i) => !positive[i]);
  const rng = createRng(seed);
  const labels = [...pos.map(() => true), ...neg.map(() => false)];
  const draws: number[] = [];
  const sample: number[] = new Array(labels.length);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < pos.length; i++) sample[i] = pos[rng.int(pos.length)]!;
    for (let i = 0; i < neg.length; i++) sample[pos.length + i] = neg[rng.int(neg.length)]!;
    draws.push(auc(sample, labels));
  }
  draws.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  return {
    estimate,
    ci: [quantileSorted(draws, alpha), quantileSorted(draws, 1 - alpha)],
    level,
    nPositive: pos.length,
    nNegative: neg.length,
    method: `Mann–Whitney AUC; stratified percentile bootstrap, ${resamples} resamples, seed ${seed}`,
  };
}
