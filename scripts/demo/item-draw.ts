import type { FormItems } from './instrument-items';
import type { Rng } from './rng';

export interface ItemModel {
  readonly itemMean: number;
  readonly loading: number;
  readonly itemNoiseSd: number;
  readonly missingItemProb?: number;
}

/**
 * One questionnaire's item values from a respondent's view of the alliance. The keyed value (high = strong
 * alliance) is rounded to the scale's precision and clamped to its range, which is where the ceiling comes from;
 * reverse-keyed items are then flipped (max + min − x), so a strong alliance gives them a low raw value.
 * Missing items are empty strings, as in the CSV.
 */
export function drawItems(
  rng: Rng,
  form: FormItems,
  view: number,
  model: ItemModel,
  shift = 0,
): Record<string, string> {
  const step = 10 ** form.decimals;
  const out: Record<string, string> = {};
  for (const item of form.items) {
    const x = model.itemMean + shift + model.loading * view + rng.normal(0, model.itemNoiseSd);
    const keyed = Math.min(form.max, Math.max(form.min, Math.round(x * step) / step));
    const raw = item.reverse ? form.max + form.min - keyed : keyed;
    const missing = model.missingItemProb !== undefined && rng.bernoulli(model.missingItemProb);
    out[item.id] = missing ? '' : raw.toFixed(form.decimals);
  }
  return out;
}
