import { variableName } from '@alliance-lab/instruments';
import type { ScoreRow } from '../schemas/score';
import type { ScoreBatch } from '../store/score-stream';

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
/** What a wide row's keys are made from. */
type SessionOf = Pick<ScoreRow, 'session_id' | 'client' | 'therapist' | 'session' | 'date'>;

export interface WideTable {
  columns: WideColumn[];
  rows: Cells[];
}

/**
 * One row per session (keys from `keysOf`), one column per wide column, replicates averaged (what a
 * between-method comparison wants; the long export keeps them apart). Rows keep the order of the sessions' first
 * score rows, which queryScores sorts by client and session.
 */
export function widen(rows: readonly ScoreRow[], keysOf: (r: SessionOf) => Cells): WideTable {
  const acc = new WideAccumulator(keysOf);
  for (const r of rows) acc.add(r);
  return { columns: acc.columns(), rows: [...acc.rows()] };
}

interface SessionCells {
  keys: Cells;
  /** Column numbers (in order of first appearance) with the sum and count of their non-missing scores. */
  columns: number[];
  sums: number[];
  counts: number[];
}

/**
 * widen, fed one score row at a time, so the long scores can stream past it: what it keeps is the wide table
 * itself (a sum and a count per session and column), not the rows.
 */
export class WideAccumulator {
  /** source → rater → instrument → form → scale → column number. */
  private readonly byKey = new Map<string, Map<string, Map<string, Map<string, Map<string, number>>>>>();
  private readonly keys: WideKey[] = [];
  private readonly names: string[] = [];
  private readonly byName = new Map<string, number>();
  private readonly sessions = new Map<string, SessionCells>();
  private last: { id: string; cells: SessionCells } | undefined;
  /** Column numbers of a stream's shared key objects (forEachScoreOf), so a score costs no key lookup. */
  private readonly byKeyObject = new Map<WideKey, number>();
  /** Where the last score went in its session's columns: the next usually goes to the next place. */
  private hint = 0;

  constructor(private readonly keysOf: (r: SessionOf) => Cells) {}

  add(r: ScoreRow): void {
    this.put(r, this.column(r), r.score);
  }

  /** A score of forEachScoreOf's stream: its session, its shared key object and its value. */
  addScore(session: SessionOf, key: WideKey, score: number | null): void {
    let column = this.byKeyObject.get(key);
    if (column === undefined) this.byKeyObject.set(key, (column = this.column(key)));
    this.put(session, column, score);
  }

  /** A batch of the score stream (forEachScoreBatch), each score's column found by its key id. */
  addBatch(batch: ScoreBatch): void {
    const columns = batch.keys.map((k) => {
      let column = this.byKeyObject.get(k);
      if (column === undefined) this.byKeyObject.set(k, (column = this.column(k)));
      return column;
    });
    const { n, session, key, score, flags } = batch;
    for (let i = 0; i < n; ) {
      const rank = session[i]!;
      const s = this.cellsOf(batch.sessions[rank]!);
      for (; i < n && session[i] === rank; i++) if ((flags[i]! & 4) === 0) this.addTo(s, columns[key[i]!]!, score[i]!);
    }
  }

  private put(r: SessionOf, column: number, score: number | null): void {
    const s = this.cellsOf(r);
    if (score !== null) this.addTo(s, column, score);
  }

  /** A session's sums; the hint starts again when the session changes. */
  private cellsOf(r: SessionOf): SessionCells {
    if (this.last?.id === r.session_id) return this.last.cells;
    let s = this.sessions.get(r.session_id);
    if (!s) this.sessions.set(r.session_id, (s = { keys: this.keysOf(r), columns: [], sums: [], counts: [] }));
    this.last = { id: r.session_id, cells: s };
    this.hint = 0;
    return s;
  }

  private addTo(s: SessionCells, column: number, score: number): void {
    const at = s.columns[this.hint] === column ? this.hint : s.columns.indexOf(column);
    if (at < 0) {
      this.hint = s.columns.length + 1;
      s.columns.push(column);
      s.sums.push(score);
      s.counts.push(1);
    } else {
      this.hint = at + 1;
      s.sums[at]! += score;
      s.counts[at]! += 1;
    }
  }

  /** The wide columns of every row added, in wideColumns' order. */
  columns(): WideColumn[] {
    return wideColumns(this.keys);
  }

  /** The sessions' rows, in the order their first score rows came. */
  *rows(): Generator<Cells> {
    const columns = this.columns();
    const mean = new Array<number | null>(this.names.length);
    for (const { keys, columns: seen, sums, counts } of this.sessions.values()) {
      mean.fill(null);
      for (let i = 0; i < seen.length; i++) mean[seen[i]!] = sums[i]! / counts[i]!;
      const row: Cells = { ...keys };
      for (const c of columns) row[c.name] = mean[this.byName.get(c.name)!]!;
      yield row;
    }
  }

  /** The number of the row's wide column; keys that share a name (a rater under two sources) share it. */
  private column(r: WideKey): number {
    // Nested by part rather than one joined key: a million rows' keys would each be built and hashed.
    const byRater = this.byKey.get(r.source) ?? setNew(this.byKey, r.source, new Map());
    const byInstrument = byRater.get(r.rater) ?? setNew(byRater, r.rater, new Map());
    const byForm = byInstrument.get(r.instrument) ?? setNew(byInstrument, r.instrument, new Map());
    const byScale = byForm.get(r.form) ?? setNew(byForm, r.form, new Map<string, number>());
    let i = byScale.get(r.scale);
    if (i === undefined) {
      const k = { source: r.source, rater: r.rater, instrument: r.instrument, form: r.form, scale: r.scale };
      this.keys.push(k);
      const name = wideColumnName(k);
      i = this.byName.get(name);
      if (i === undefined) {
        i = this.names.length;
        this.names.push(name);
        this.byName.set(name, i);
      }
      byScale.set(r.scale, i);
    }
    return i;
  }
}

function setNew<K, V>(map: Map<K, V>, key: K, value: V): V {
  map.set(key, value);
  return value;
}
