/**
 * What of an audit row's before/after JSON a de-identified export keeps: an allow-list, since the audit table
 * holds whatever each write path chose to record (session and transcript ids with client ids in them, file
 * names, submission and import times), and a new field there must not leak by default. Kept: item values
 * (numbers under `items`), counts, flags, statuses and the rater configuration's fields; every other string is
 * dropped.
 */
const KEPT_STRINGS = new Set([
  'instrument',
  'form',
  'respondent',
  'rater',
  'provider',
  'model',
  'promptVersion',
  'promptHash',
  'status',
  'format',
]);
const KEPT_CONTAINERS = new Set(['forms']);

export function deidentifiedAuditValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  return keep(value as Record<string, unknown>);
}

function keep(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'items' && v && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = Object.fromEntries(
        Object.entries(v as Record<string, unknown>).filter(([, x]) => x === null || typeof x === 'number'),
      );
    } else if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (typeof v === 'string' && KEPT_STRINGS.has(k)) out[k] = v;
    else if (KEPT_CONTAINERS.has(k) && Array.isArray(v))
      out[k] = v.filter((x) => x && typeof x === 'object' && !Array.isArray(x)).map((x) => keep(x));
  }
  return out;
}
