/**
 * Long to wide: one output row per distinct combination of the `by` fields (in order of first appearance), one
 * column per distinct `column(row)` (sorted, after the `by` fields), holding the mean of `value(row)` over the
 * rows of that cell. Null and NaN values are left out of the mean; a cell with no value left is absent, so a
 * CSV writer leaves it empty.
 */
export function pivotMean<R, K extends keyof R>(
  rows: readonly R[],
  by: readonly K[],
  column: (row: R) => string,
  value: (row: R) => number | null,
): Array<Pick<R, K> & Record<string, number | undefined>> {
  const groups = new Map<string, { keys: Pick<R, K>; cells: Map<string, { sum: number; n: number }> }>();
  const columns = new Set<string>();
  for (const row of rows) {
    const id = JSON.stringify(by.map((k) => row[k]));
    let group = groups.get(id);
    if (!group) {
      const keys = {} as Pick<R, K>;
      for (const k of by) keys[k] = row[k];
      group = { keys, cells: new Map() };
      groups.set(id, group);
    }
    const name = column(row);
    if ((by as readonly PropertyKey[]).includes(name)) {
      throw new RangeError(`pivot column "${name}" would overwrite a grouping field`);
    }
    columns.add(name);
    const v = value(row);
    if (v === null || Number.isNaN(v)) continue;
    const cell = group.cells.get(name) ?? { sum: 0, n: 0 };
    cell.sum += v;
    cell.n++;
    group.cells.set(name, cell);
  }
  const sorted = [...columns].sort();
  return [...groups.values()].map(({ keys, cells }) => {
    const out: Record<string, unknown> = { ...keys };
    for (const name of sorted) {
      const cell = cells.get(name);
      out[name] = cell ? cell.sum / cell.n : undefined;
    }
    return out as Pick<R, K> & Record<string, number | undefined>;
  });
}
