/**
 * How a statistic reports a value it does not define (see README.md in this folder): the field is `null`, and
 * the object holding it carries `reasons: { field: 'why' }` — or, when the headline estimate itself is
 * undefined, `undefinedReason`, which then also accounts for everything derived from it. A result whose every
 * value is defined has no `reasons` key, so well-posed output keeps its shape.
 */

/** Why each listed field of the object it sits in is null. */
export type Reasons = Record<string, string>;

/** The object with `reasons` added when any was recorded. */
export function withReasons<T extends object>(obj: T, reasons: Reasons): T & { reasons?: Reasons } {
  return Object.keys(reasons).length > 0 ? { ...obj, reasons } : obj;
}

/** x when it is a finite number; otherwise null, with `reason` recorded for `key`. */
export function defined(x: number | null | undefined, key: string, reason: string, reasons: Reasons): number | null {
  if (typeof x === 'number' && Number.isFinite(x)) return x;
  reasons[key] ??= reason;
  return null;
}

/** An interval when both ends are finite; otherwise null, with `reason` recorded for `key`. */
export function definedInterval(
  lo: number,
  hi: number,
  key: string,
  reason: string,
  reasons: Reasons,
): [number, number] | null {
  if (Number.isFinite(lo) && Number.isFinite(hi)) return [lo, hi];
  reasons[key] ??= reason;
  return null;
}

/**
 * Whether a quantity that is zero in exact arithmetic came out as rounding noise: |x| at most `tol` times the
 * size of the terms it was computed from.
 */
export function isNoise(x: number, scale: number, tol = 1e-10): boolean {
  return Math.abs(x) <= tol * Math.abs(scale);
}

/**
 * The paths of values that break the rule: NaN or infinite numbers anywhere, and nulls with no reason beside
 * them (neither `reasons[key]` nor `undefinedReason` in the same object). `exempt` names keys whose null is
 * structural rather than statistical (an episode's `repair`, a client's `skipped`).
 */
export function unexplainedValues(value: unknown, exempt: ReadonlyArray<string> = [], path = ''): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path || '(root)'} = ${value}`];
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unexplainedValues(v, exempt, `${path}[${i}]`));
  const obj = value as Record<string, unknown>;
  const reasons = (obj.reasons ?? {}) as Record<string, unknown>;
  const out: string[] = [];
  for (const [key, v] of Object.entries(obj)) {
    const here = path ? `${path}.${key}` : key;
    if (v === null) {
      const explained =
        exempt.includes(key) || typeof reasons[key] === 'string' || typeof obj.undefinedReason === 'string';
      if (!explained) out.push(`${here} = null without a reason`);
    } else out.push(...unexplainedValues(v, exempt, here));
  }
  return out;
}
