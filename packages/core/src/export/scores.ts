import { renameSync, rmSync } from 'node:fs';
import { SCORE_COLUMNS, type ScoreFilter, type ScoreRow } from '../schemas/score';
import { forEachScore, type ScoreStore } from '../store/score-stream';
import { scoreValues, type ScoreValues } from '../store/scores';
import type { Study } from '../store/study';
import { toCsv } from '../util/csv';
import { nearest } from '../util/suggest';
import { CsvWriter } from './csv-writer';
import { WideAccumulator, widen, wideColumnName } from './wide-columns';

/**
 * The long CSV of score rows, columns in SCORE_COLUMNS order. The flags are written 0/1, as the codebook
 * documents them and as R and SPSS read them.
 */
export function scoresCsv(rows: readonly ScoreRow[]): string {
  return toCsv(
    [...SCORE_COLUMNS],
    rows.map((r) => ({ ...r, prorated: r.prorated ? 1 : 0, missing: r.missing ? 1 : 0 })),
  );
}

/**
 * `alliance export scores --out FILE`, streamed: the same file as scoresCsv or the wide toCsv gives (LF line
 * ends), written from forEachScore without holding the rows (the wide shape keeps only its sums). Written beside
 * the target and moved into place, so a failed export leaves the earlier file whole. Returns the rows written.
 */
export async function writeScoresCsv(
  store: ScoreStore,
  filter: ScoreFilter,
  out: string,
  wide: boolean,
): Promise<number> {
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    let rows: number;
    if (wide) {
      const acc = new WideAccumulator(wideKeys);
      await forEachScore(store, filter, (r) => acc.add(r));
      const columns = [...WIDE_SCORE_KEYS, ...acc.columns().map((c) => c.name)];
      const w = new CsvWriter(tmp, columns, { eol: '\n' });
      const cells = new Array<string | number | null | undefined>(columns.length);
      for (const r of acc.rows()) {
        for (let i = 0; i < columns.length; i++) cells[i] = r[columns[i]!];
        w.row(cells);
      }
      rows = w.rows;
      w.close();
    } else {
      const w = new CsvWriter(tmp, SCORE_COLUMNS, { eol: '\n' });
      const cells = new Array<string | number | boolean | null>(SCORE_COLUMNS.length);
      await forEachScore(store, filter, (r) => {
        for (let i = 0; i < SCORE_COLUMNS.length; i++) {
          const v = r[SCORE_COLUMNS[i]!];
          cells[i] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
        }
        w.row(cells);
      });
      rows = w.rows;
      w.close();
    }
    renameSync(tmp, out);
    return rows;
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

const wideKeys = (r: Pick<ScoreRow, (typeof WIDE_SCORE_KEYS)[number]>) => ({
  session_id: r.session_id,
  client: r.client,
  therapist: r.therapist,
  session: r.session,
  date: r.date,
});

type Checked = 'clients' | 'therapists' | 'sources' | 'raters' | 'instrument' | 'form' | 'scale';

/** The filter's parts in the order they narrow each other, with their names in messages. */
const PARTS: ReadonlyArray<{ key: Checked; values: keyof ScoreValues; name: string; plural: string }> = [
  { key: 'clients', values: 'clients', name: 'client', plural: 'clients' },
  { key: 'therapists', values: 'therapists', name: 'therapist', plural: 'therapists' },
  { key: 'sources', values: 'sources', name: 'source', plural: 'sources' },
  { key: 'raters', values: 'raters', name: 'rater', plural: 'raters' },
  { key: 'instrument', values: 'instruments', name: 'instrument', plural: 'instruments' },
  { key: 'form', values: 'forms', name: 'form', plural: 'forms' },
  { key: 'scale', values: 'scales', name: 'scale', plural: 'scales' },
];

/**
 * Why a score filter matches nothing in this study, or undefined when each of its values matches something. Each
 * part is checked among the scores the parts before it keep (the scales of the chosen instrument, say), so the
 * message lists the values that would have matched and names the nearest one. A typo then fails loudly instead
 * of giving a header-only file.
 */
export async function scoreFilterProblem(db: Study['db'], filter: ScoreFilter): Promise<string | undefined> {
  let narrowed: ScoreFilter = filter.sessions ? { sessions: filter.sessions } : {};
  for (const part of PARTS) {
    const given = filter[part.key];
    if (given === undefined || (Array.isArray(given) && given.length === 0)) continue;
    const valid = (await scoreValues(db, narrowed))[part.values] as string[];
    for (const value of Array.isArray(given) ? given : [given]) {
      if (valid.includes(value)) continue;
      const within = describe(narrowed);
      if (valid.length === 0) return `no scores${within}, so none with ${part.name} "${value}"`;
      const near = nearest(value, valid);
      return `no scores with ${part.name} "${value}"${within}; the ${part.plural} are ${valid.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`;
    }
    narrowed = { ...narrowed, [part.key]: given };
  }
  if (filter.sessions && (await scoreValues(db, filter)).scales.length === 0) return `no scores${describe(filter)}`;
  return undefined;
}

function describe(f: ScoreFilter): string {
  const parts: string[] = [];
  for (const part of PARTS) {
    const v = f[part.key];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    parts.push(`${part.name} ${(Array.isArray(v) ? v : [v]).join('/')}`);
  }
  if (f.sessions?.from !== undefined || f.sessions?.to !== undefined)
    parts.push(`sessions ${f.sessions.from ?? 1}–${f.sessions.to ?? '…'}`);
  return parts.length ? ` of ${parts.join(', ')}` : '';
}

/** The key columns of `export scores --wide`, before the score columns. */
export const WIDE_SCORE_KEYS = ['session_id', 'client', 'therapist', 'session', 'date'] as const;

/**
 * The wide shape: one row per client and session, one column per rater × instrument × form × scale, named by
 * wideColumnName, for SPSS-style analysis. Replicates are averaged; the long export keeps them apart.
 */
export function widenScores(rows: readonly ScoreRow[]): { header: string[]; rows: Array<Record<string, unknown>> } {
  const wide = widen(rows, wideKeys);
  return { header: [...WIDE_SCORE_KEYS, ...wide.columns.map((c) => c.name)], rows: wide.rows };
}

/** How a wide column names a source: the rater, respondent or coder id, lower-cased, other characters as `_`. */
export function sourcePrefix(rater: string): string {
  return rater.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** A score row's wide column: `client_wai_sr_client_total`, `k1_wai_o_s_observer_total`. */
export function wideColumn(r: Pick<ScoreRow, 'source' | 'rater' | 'instrument' | 'form' | 'scale'>): string {
  return wideColumnName(r);
}
