/**
 * Finds the one group of numbered names (wai_1 … wai_12, Q5_1 … Q5_12, QID7_1 …) whose numbers are exactly the
 * form's item ids. Survey tools name a matrix question's rows this way; requiring an exact match keeps a 4-item
 * SRS from latching onto the first four of a 12-item WAI block.
 */
export function findNumberedGroup(
  names: readonly string[],
  items: readonly string[],
): { prefix: string; byItem: Map<string, string> } | { candidates: string[] } {
  const groups = new Map<string, Map<string, string>>();
  for (const name of names) {
    const m = /^(.*?)[_.-]?0*(\d+)$/.exec(name);
    if (!m || m[1] === '') continue;
    const prefix = m[1]!;
    const num = m[2]!;
    let g = groups.get(prefix);
    if (!g) groups.set(prefix, (g = new Map()));
    if (!g.has(num)) g.set(num, name);
  }
  const itemSet = new Set(items);
  const exact = [...groups].filter(([, g]) => g.size === itemSet.size && [...g.keys()].every((k) => itemSet.has(k)));
  if (exact.length === 1) return { prefix: exact[0]![0], byItem: exact[0]![1] };
  return { candidates: (exact.length > 1 ? exact : [...groups]).map(([p]) => p) };
}
