/**
 * Runs a statistic that refuses too little data with a RangeError: the figure is then null and the reason is
 * recorded under its key, by the statistics' rule for undefined values (null beside `reasons`).
 */
export function attempt<T>(key: string, reasons: Record<string, string>, fn: () => T): T | null {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RangeError) {
      reasons[key] = err.message;
      return null;
    }
    throw err;
  }
}

export function withReasons<T extends object>(
  obj: T,
  reasons: Record<string, string>,
): T & { reasons?: Record<string, string> } {
  return Object.keys(reasons).length ? { ...obj, reasons } : obj;
}
