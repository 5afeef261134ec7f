/**
 * The readable form of a result's `reasons` and `undefinedReason` (see stats/README.md): one line per distinct
 * reason, naming the fields it explains, so a table's NA is never left unexplained.
 */
export function undefinedNotes(result: unknown, label = ''): string[] {
  const byReason = new Map<string, string[]>();
  const walk = (v: unknown, path: string) => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
      return;
    }
    const obj = v as Record<string, unknown>;
    const add = (reason: string, field: string) => {
      const fields = byReason.get(reason) ?? [];
      if (!fields.includes(field)) fields.push(field);
      byReason.set(reason, fields);
    };
    if (typeof obj.undefinedReason === 'string') add(obj.undefinedReason, path || 'estimate');
    for (const [key, why] of Object.entries((obj.reasons ?? {}) as Record<string, string>))
      add(why, path ? `${path}.${key}` : key);
    for (const [key, x] of Object.entries(obj)) if (key !== 'reasons') walk(x, path ? `${path}.${key}` : key);
  };
  walk(result, label);
  return [...byReason].map(([why, fields]) => `NA ${fields.join(', ')}: ${why}`);
}

/** The notes, set off by a blank line, or nothing. */
export function notesBlock(result: unknown): string[] {
  const notes = undefinedNotes(result);
  return notes.length ? ['', ...notes] : [];
}
