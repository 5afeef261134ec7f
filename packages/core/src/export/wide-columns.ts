import { variableName } from '@alliance-lab/instruments';
import type { ScoreRow } from '../schemas/score';

/** What one wide score column holds: the scores of one source and rater on one scale of an instrument form. */
export type WideKey = Pick<ScoreRow, 'source' | 'rater' | 'instrument' | 'form' | 'scale'>;
export type WideColumn = WideKey & { name: string };

/**
 * The one place wide score columns are named: rater (or respondent) then instrument, form and scale, as the
 * codebook names variables (`client_wai_sr_client_total`, `k1_wai_o_s_observer_total`). `export scores --wide`,
 * the dataset's scores_wide.csv and `alliance codebook --study` all take their columns from here.
 */
export function wideColumnName(k: WideKey): string {
  return `${k.rater.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_${variableName(k.instrument, k.form, k.scale)}`;
}

/** The distinct wide columns of some score keys, in source, rater, instrument, form, scale order. */
export function wideColumns(keys: Iterable<WideKey>): WideColumn[] {
  const byName = new Map<string, WideColumn>();
  for (const k of keys) {
    const name = wideColumnName(k);
    if (!byName.has(name))
      byName.set(name, {
        source: k.source,
        rater: k.rater,
        instrument: k.instrument,
        form: k.form,
        scale: k.scale,
        name,
      });
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...byName.values()].sort(
    (a, b) =>
      cmp(a.source, b.source) ||
      cmp(a.rater, b.rater) ||
      cmp(a.instrument, b.instrument) ||
      cmp(a.form, b.form) ||
      cmp(a.scale, b.scale),
  );
}

type Cells = Record<string, string | number | null>;

export interface WideTable {
  columns: WideColumn[];
  rows: Cells[];
}

/**
 * One row per session (keys from `keysOf`), one column per wide column, replicates averaged (what a
 * between-method comparison wants; the long export keeps them apart). Rows keep the order of the sessions' first
 * score rows, which queryScores sorts by client and session.
 */
export function widen(rows: readonly ScoreRow[], keysOf: (r: ScoreRow) => Cells): WideTable {
  const columns = wideColumns(rows);
  const sums = new Map<string, { keys: Cells; sum: Map<string, [number, number]> }>();
  for (const r of rows) {
    let s = sums.get(r.session_id);
    if (!s) sums.set(r.session_id, (s = { keys: keysOf(r), sum: new Map() }));
    if (r.score === null) continue;
    const name = wideColumnName(r);
    const acc = s.sum.get(name) ?? [0, 0];
    acc[0] += r.score;
    acc[1] += 1;
    s.sum.set(name, acc);
  }
  const out: Cells[] = [];
  for (const { keys, sum } of sums.values()) {
    const row: Cells = { ...keys };
    for (const c of columns) {
      const acc = sum.get(c.name);
      row[c.name] = acc ? acc[0] / acc[1] : null;
    }
    out.push(row);
  }
  return { columns, rows: out };
}
