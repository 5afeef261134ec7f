import { basename, resolve } from 'node:path';
import { scoreFilterProblem, sourcePrefix, wideColumn, widenScores } from '../../../export/scores';
import type { ScoreRow } from '../../../schemas/score';
import { queryScores } from '../../../store/scores';
import { openStudy } from '../../../store/study';
import { InputError } from '../../../util/errors';
import { didYouMean } from '../../../util/suggest';
import type { StudyScoreOptions } from './data-source';
import { type Rating, type RatingsMatrix, ratingsMatrix } from './ratings-input';

/**
 * The one adapter from a study's score rows to the statistics' inputs. It builds in memory the table
 * `alliance export scores --wide` writes for the same --instrument/--form/--scale (one row per client and
 * session, one column per source × instrument × form × scale, replicates averaged unless --replicate picks
 * one), then hands its rows to the same builders the CSV readers use, so `--study` and `--in` on that export
 * give a statistic the same cells. Sources are named as the wide columns begin: `client` for self-report, a
 * coder's id (`K1`), a rater's name (`lexicon`); a full column name (`lexicon_wai_o_s_observer_total`) works too.
 */

/** The key columns of a wide row, before the score columns. */
const KEYS = ['session_id', 'client', 'therapist', 'session', 'date'] as const;

interface Column {
  name: string;
  /** The source as the wide column begins (`k1`), and as stored (`K1`). */
  prefix: string;
  rater: string;
  scale: string;
}

export interface StudyTable {
  /** The study folder's name, where a file name would be. */
  file: string;
  rows: Array<Record<string, unknown>>;
  /** Score columns in the wide export's order. */
  columns: Column[];
  /** What the options selected, for messages. */
  selection: string;
}

export async function readStudyTable(o: StudyScoreOptions): Promise<StudyTable> {
  const study = await openStudy(o.study);
  let rows: ScoreRow[];
  try {
    const filter = {
      ...(o.instrument ? { instrument: o.instrument } : {}),
      ...(o.form ? { form: o.form } : {}),
      ...(o.scale ? { scale: o.scale } : {}),
    };
    const problem = await scoreFilterProblem(study.db, filter);
    if (problem) throw new InputError(problem, { file: basename(resolve(o.study)) });
    rows = await queryScores(study.db, filter);
  } finally {
    await study.close();
  }
  const file = basename(resolve(o.study));
  const replicate = o.replicate;
  if (replicate !== undefined) {
    const present = [...new Set(rows.filter((r) => r.source === 'rater').map((r) => r.replicate))].sort(
      (a, b) => a - b,
    );
    if (!present.includes(replicate))
      throw new InputError(
        present.length
          ? `no rater scores with replicate ${replicate} (--replicate); the replicates are ${present.join(', ')}`
          : 'no rater scores here, so none with a replicate (--replicate)',
        { file },
      );
    // Questionnaires have no replicates: they stay beside the chosen rater replicate.
    rows = rows.filter((r) => r.source !== 'rater' || r.replicate === replicate);
  }
  const byName = new Map<string, Column>();
  for (const r of rows) {
    const name = wideColumn(r);
    if (!byName.has(name))
      byName.set(name, {
        name,
        prefix: sourcePrefix(r.rater),
        rater: r.rater,
        scale: `${r.instrument}/${r.form}/${r.scale}`,
      });
  }
  const columns = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const selection = [o.instrument, o.form, o.scale].filter(Boolean).join(' ');
  return { file, rows: widenScores(rows).rows, columns, selection };
}

/** The wide column a source or column name stands for; a source must have one scale under the filter. */
export function resolveColumn(t: StudyTable, name: string, option: string): Column {
  const exact = t.columns.find((c) => c.name === name);
  if (exact) return exact;
  const key = sourcePrefix(name);
  const matching = t.columns.filter((c) => c.prefix === key || c.rater.toLowerCase() === key);
  if (matching.length === 1) return matching[0]!;
  const within = t.selection ? ` of ${t.selection}` : '';
  if (matching.length > 1)
    throw new InputError(
      `source "${name}" (${option}) has ${matching.length} scales among the scores${within}: ${matching.map((c) => c.scale).join(', ')}; narrow with --instrument, --form and --scale, or name a column (${matching.map((c) => c.name).join(', ')})`,
      { file: t.file },
    );
  const sources = [...new Set(t.columns.map((c) => c.rater))];
  throw new InputError(
    `no source "${name}" (${option}) among the scores${within}; the sources are ${sources.join(', ')}${didYouMean(name, [...sources, ...t.columns.map((c) => c.name)])}`,
    { file: t.file },
  );
}

/** Every column of one scale: the sources of the form when --raters is absent. */
function allSources(t: StudyTable): Column[] {
  const scales = [...new Set(t.columns.map((c) => c.scale))].sort();
  if (scales.length > 1)
    throw new InputError(
      `the scores${t.selection ? ` of ${t.selection}` : ''} cover ${scales.length} scales (${scales.join(', ')}); pick one with --instrument, --form and --scale, or name the sources with --raters`,
      { file: t.file },
    );
  return t.columns;
}

/**
 * The agreement commands' matrix: subjects are sessions (session_id), raters the sources named by --raters
 * (every source of the scale when absent), each cell the source's score of that session.
 */
export async function studyRatings(
  o: StudyScoreOptions & { raters: string[] },
  kind: 'number' | 'category',
  minRaters: number,
): Promise<RatingsMatrix> {
  const t = await readStudyTable(o);
  const chosen = o.raters.length
    ? o.raters.map((r) => ({ label: r, column: resolveColumn(t, r, '--raters') }))
    : allSources(t).map((c) => ({ label: c.rater, column: c }));
  const rows: Array<{ subject: string; rater: string; value: Rating | null; line: number }> = [];
  t.rows.forEach((row, i) => {
    for (const c of chosen)
      rows.push({ subject: String(row.session_id), rater: c.label, value: cell(row, c.column.name), line: i + 2 });
  });
  const raterLocation = { file: t.file };
  return ratingsMatrix(
    t.file,
    rows,
    { raterSource: "the study's sources", raterLocation, duplicateColumn: 'session_id' },
    kind,
    minRaters,
  );
}

/** One row per client and session with the two named sources' scores, for the association commands. */
export async function studyPairs(
  o: StudyScoreOptions,
  x: string,
  y: string,
): Promise<{ file: string; cols: { x: string; y: string }; rows: Array<PairRow> }> {
  const t = await readStudyTable(o);
  const cx = resolveColumn(t, x, '--x');
  const cy = resolveColumn(t, y, '--y');
  return {
    file: t.file,
    cols: { x: cx.name, y: cy.name },
    rows: t.rows.map((row, i) => ({
      subject: String(row.client),
      session: String(row.session_id),
      x: cell(row, cx.name),
      y: cell(row, cy.name),
      line: i + 2,
    })),
  };
}

export interface PairRow {
  subject: string;
  session: string;
  x: number | null;
  y: number | null;
  line: number;
}

/** The data frame for lmm: the key columns and one column per source × scale, as text the way a CSV has it. */
export async function studyFrame(
  o: StudyScoreOptions,
  variables: string[],
): Promise<{ file: string; rows: Array<Record<string, string | null> & { line: number }> }> {
  const t = await readStudyTable(o);
  const names = [...KEYS, ...t.columns.map((c) => c.name)] as string[];
  for (const v of variables)
    if (!names.includes(v))
      throw new InputError(
        `no column "${v}" (in --formula) among the scores${t.selection ? ` of ${t.selection}` : ''}; the columns are ${names.join(', ')}${didYouMean(v, names)}`,
        { file: t.file },
      );
  return {
    file: t.file,
    rows: t.rows.map((row, i) => {
      const out: Record<string, string | null> & { line: number } = { line: i + 2 } as never;
      for (const v of variables) out[v] = row[v] === undefined || row[v] === null ? null : String(row[v]);
      return out;
    }),
  };
}

function cell(row: Record<string, unknown>, name: string): number | null {
  const v = row[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** One source's score per client and session, for the rupture rules (subject the client, session its number). */
export async function studySessions(
  o: StudyScoreOptions,
  value: string,
): Promise<{
  file: string;
  column: string;
  rows: Array<{ subject: string; session: number; value: number | null; line: number }>;
}> {
  const t = await readStudyTable(o);
  const c = resolveColumn(t, value, '--value');
  return {
    file: t.file,
    column: c.name,
    rows: t.rows.map((row, i) => ({
      subject: String(row.client),
      session: Number(row.session),
      value: cell(row, c.name),
      line: i + 2,
    })),
  };
}
