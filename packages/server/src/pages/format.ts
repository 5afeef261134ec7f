/** Scores as a table shows them: up to two decimals, no trailing zeros; "–" for nothing. */
export function formatNumber(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return String(Number(x.toFixed(digits)));
}
