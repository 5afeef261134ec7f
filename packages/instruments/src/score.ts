import { z } from 'zod';
import type { InstrumentDefinition } from './definition-schema';
import { type FormScale, type FormView, formView, scaleRange } from './form-view';
import { parseItemValue } from './item-value';

/**
 * One scale's score as the engine gives it. The store, the export, the statistics adapter and the server carry
 * the same fields onward (core's `Score` and `ScoreRow` extend this schema), so a score has one shape throughout.
 */
export const ScaleScore = z.object({
  /** Null when too few items were answered. */
  score: z.number().nullable(),
  /** Percent of maximum possible, 0–100, so scales of different lengths and ranges compare. */
  pomp: z.number().nullable(),
  /** Scored from fewer than all of its items. */
  prorated: z.boolean(),
  missing: z.boolean(),
  answered: z.number().int().nonnegative(),
  items: z.number().int().nonnegative(),
});
export type ScaleScore = z.infer<typeof ScaleScore>;

export interface ItemError {
  /** Null for a problem that is not about one item. */
  item: string | null;
  /** The raw value as given. */
  value: string | null;
  /** Names the row (when known) and the item, e.g. `row 3, item 7: 9 is above the scale maximum 5`. */
  message: string;
}

export interface ScoredResponse {
  instrument: string;
  form: string;
  /** Valid item values after reverse keying, null when not answered or invalid. */
  keyed: Record<string, number | null>;
  scales: Record<string, ScaleScore>;
  errors: ItemError[];
}

export type RawValues = Record<string, string | number | null | undefined>;

/**
 * Scores one response. Invalid values are reported and then treated as unanswered, so a row with one bad cell
 * still yields every scale its other items can support; the caller decides whether errors fail the run.
 */
export function scoreResponse(
  def: InstrumentDefinition,
  form: string,
  values: RawValues,
  opts: { row?: number } = {},
): ScoredResponse {
  return scoreView(formView(def, form), values, opts);
}

/** `continuous`: item values may fall between the scale's steps (a rater's continuous estimate), scored as given. */
export function scoreView(
  view: FormView,
  values: RawValues,
  opts: { row?: number; continuous?: boolean } = {},
): ScoredResponse {
  const where = (item: string) => (opts.row !== undefined ? `row ${opts.row}, item ${item}` : `item ${item}`);
  const errors: ItemError[] = [];
  const { min, max } = view.form.scale;
  const keyed: Record<string, number | null> = {};
  for (const it of view.items) {
    const raw = values[it.id];
    const r = parseItemValue(view, it.id, raw, { continuous: opts.continuous });
    if (!r.ok) {
      errors.push({ item: it.id, value: String(raw), message: `${where(it.id)}: ${r.message}` });
      keyed[it.id] = null;
    } else {
      keyed[it.id] = r.value === null ? null : it.reverse ? max + min - r.value : r.value;
    }
  }
  const known = new Set(view.items.map((it) => it.id));
  for (const [item, raw] of Object.entries(values)) {
    if (known.has(item)) continue;
    const r = parseItemValue(view, item, raw);
    if (!r.ok)
      errors.push({
        item,
        value: raw === null || raw === undefined ? null : String(raw),
        message: `${where(item)}: ${r.message}`,
      });
  }
  const scales: Record<string, ScaleScore> = {};
  for (const s of view.scales) scales[s.id] = scoreScale(view, s, keyed);
  return { instrument: view.definition.id, form: view.form.id, keyed, scales, errors };
}

function scoreScale(view: FormView, scale: FormScale, keyed: Record<string, number | null>): ScaleScore {
  const vals = scale.items.map((id) => keyed[id]).filter((v): v is number => v !== null && v !== undefined);
  const n = scale.items.length;
  const base = { answered: vals.length, items: n };
  // The tolerance keeps 3/4 >= 0.75 true whatever the float rounding of the threshold.
  if (vals.length === 0 || vals.length < scale.minAnsweredFraction * n - 1e-9)
    return { score: null, pomp: null, prorated: false, missing: true, ...base };
  const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
  const score = scale.method === 'sum' ? mean * n : mean;
  const { min, max } = scaleRange(view, scale);
  return {
    score: tidy(score),
    pomp: tidy(((score - min) / (max - min)) * 100),
    prorated: vals.length < n,
    missing: false,
    ...base,
  };
}

/** Drops binary floating-point noise (7.1 + 8.2 + 9.3 + 6.4 = 31.000000000000004) without hiding real precision. */
function tidy(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
