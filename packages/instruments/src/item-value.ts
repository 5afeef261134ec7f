import type { FormView } from './form-view';

export type ItemValueResult = { ok: true; value: number | null } | { ok: false; message: string };

/** Plain decimal notation only: "0x5", "1e1" or "5 " from a spreadsheet are more likely slips than values. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * Checks one raw value against the form's response scale. Empty (or a definition's missing code) means not
 * answered; anything else must be a number in range with no more decimals than the scale allows. Messages say
 * what is wrong with the value; callers add the row and item.
 */
export function parseItemValue(
  view: FormView,
  itemId: string,
  raw: string | number | null | undefined,
  opts: { continuous?: boolean } = {},
): ItemValueResult {
  if (!view.items.some((it) => it.id === itemId)) {
    return {
      ok: false,
      message: `unknown item "${itemId}"; ${view.definition.id} ${view.form.id} items are ${describeIds(view.items.map((it) => it.id))}`,
    };
  }
  if (raw === null || raw === undefined) return { ok: true, value: null };
  const text = typeof raw === 'number' ? String(raw) : raw.trim();
  if (text === '') return { ok: true, value: null };
  if (!DECIMAL.test(text) || (typeof raw === 'number' && !Number.isFinite(raw))) {
    const hint = /^[+-]?\d+,\d+$/.test(text) ? ' (use a point as the decimal separator)' : '';
    return { ok: false, message: `"${text}" is not a number${hint}` };
  }
  const x = Number(text);
  if (view.definition.missingCodes.includes(x)) return { ok: true, value: null };
  const { min, max, decimals } = view.form.scale;
  // On a scale without negative points a sign is a sign of another coding: "+3" is how a centred −3…+3 export
  // writes the top of a 1–7 scale, so reading it as 3 would silently shift the answer. A scale that has negative
  // points (a lab's bipolar item) accepts "+3" as 3.
  if (text.startsWith('+') && min >= 0)
    return {
      ok: false,
      message: `"${text}" has a plus sign, but this scale runs ${min} to ${max} with no signed values; a signed value usually means a centred (e.g. −3…+3) coding, so recode the file to ${min}–${max}`,
    };
  if (x < min) return { ok: false, message: `${text} is below the scale minimum ${min}` };
  if (x > max) return { ok: false, message: `${text} is above the scale maximum ${max}` };
  const scaled = x * 10 ** decimals;
  // A continuous estimate (a rater's evidence mapped onto the scale) is held to the range only.
  if (!opts.continuous && Math.abs(scaled - Math.round(scaled)) > 1e-9) {
    const allowed = decimals === 0 ? 'whole numbers' : `at most ${decimals} decimal${decimals > 1 ? 's' : ''}`;
    return { ok: false, message: `${text} has more decimals than the scale allows (${allowed} from ${min} to ${max})` };
  }
  return { ok: true, value: x };
}

/** The message for an invalid value, or undefined when it is valid (the shape response import checks with). */
export function itemValueError(
  view: FormView,
  itemId: string,
  raw: string | number | null | undefined,
): string | undefined {
  const r = parseItemValue(view, itemId, raw);
  return r.ok ? undefined : r.message;
}

/** "1–12" for a run of numbered ids, else the list. */
export function describeIds(ids: string[]): string {
  const nums = ids.map(Number);
  const run = ids.length > 2 && ids.every((id, i) => /^\d+$/.test(id) && nums[i] === nums[0]! + i);
  return run ? `${ids[0]}–${ids[ids.length - 1]}` : ids.join(', ');
}
