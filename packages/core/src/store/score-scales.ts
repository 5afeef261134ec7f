import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database';

/**
 * Each distinct instrument, form and scale of the scores table numbered once (score_scales), and every score
 * carrying its number beside its texts (scores.scale_id). The score scan (score-scan.ts) reads a million scores
 * on SQLite through a call into JS per row, whose cost grows with its arguments; one integer in place of three
 * texts, and a key found by that integer instead of by comparing texts, took a tenth or more off the export's
 * CPU time.
 *
 * A number is given once and never changes: rows of score_scales are only ever added (no writer deletes one),
 * and every writer sets a score's number inside the transaction that inserts the score, from the row its texts
 * name (added first if the scale is new). So the number is always the texts', and a rolled-back first use of a
 * scale takes its number back with it.
 */

/** A score row as writers build it; the number is looked up as it is inserted. */
export type ScoreInsert = Omit<Database['scores'], 'scale_id'>;

/** Adds a scale's row the first time it is seen (three parameters: instrument, form, scale). */
const SCALE_ENSURE_SQL =
  'insert into score_scales (instrument, form, scale) values (?, ?, ?) on conflict (instrument, form, scale) do nothing';

/** A scale's number by its texts (three parameters), or null when it has none yet. */
const SCALE_NUMBER_SQL = '(select id from score_scales where instrument = ? and form = ? and scale = ?)';

/** A score with its scale's number (twelve parameters: the nine columns, then instrument, form and scale again). */
const SCORE_INSERT_SQL =
  'insert into scores (source, source_id, instrument, form, scale, score, pomp, prorated, missing, scale_id)' +
  ` values (?, ?, ?, ?, ?, ?, ?, ?, ?, ${SCALE_NUMBER_SQL})`;

/**
 * The raw SQLite writers' statements, prepared once: `write(row)` inserts a score with its number. The number is
 * looked up in the insert itself; only a scale's first score finds none, and then the scale's row is added and
 * the score given its number (on the collection's request path that is one statement a score, not two).
 */
export function sqliteScoreInserter(sqlite: BetterSqlite3.Database): (r: ScoreInsert) => void {
  const insert = sqlite.prepare(`${SCORE_INSERT_SQL} returning rowid, scale_id`).raw(true);
  const ensure = sqlite.prepare(SCALE_ENSURE_SQL);
  const number = sqlite.prepare(`update scores set scale_id = ${SCALE_NUMBER_SQL} where rowid = ?`);
  return (r) => {
    const [rowid, scale] = insert.get(
      r.source,
      r.source_id,
      r.instrument,
      r.form,
      r.scale,
      r.score,
      r.pomp,
      r.prorated,
      r.missing,
      r.instrument,
      r.form,
      r.scale,
    ) as [number, number | null];
    if (scale !== null) return;
    ensure.run(r.instrument, r.form, r.scale);
    number.run(r.instrument, r.form, r.scale, rowid);
  };
}

/** Inserts score rows with their numbers, through kysely (both stores), inside the caller's transaction if any. */
export async function insertScores(db: Kysely<Database>, rows: readonly ScoreInsert[]): Promise<void> {
  if (rows.length === 0) return;
  const scales = new Map(rows.map((r) => [JSON.stringify([r.instrument, r.form, r.scale]), r]));
  await db
    .insertInto('score_scales')
    .values([...scales.values()].map((r) => ({ instrument: r.instrument, form: r.form, scale: r.scale })))
    .onConflict((oc) => oc.columns(['instrument', 'form', 'scale']).doNothing())
    .execute();
  // A few hundred rows per statement, well inside SQLite's 32,766 parameters at twelve a row.
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('scores')
      .values(
        rows.slice(i, i + 500).map((r) => ({
          ...r,
          scale_id: sql<number>`(select id from score_scales where instrument = ${r.instrument} and form = ${r.form} and scale = ${r.scale})`,
        })),
      )
      .execute();
}

/**
 * Numbers every scale of the scores table that has no number yet, and gives each such score its scale's number:
 * the migration's backfill of a store written before the numbers existed.
 */
export async function numberScales(db: Kysely<unknown>): Promise<void> {
  await sql`insert into score_scales (instrument, form, scale)
    select distinct instrument, form, scale from scores where scale_id is null order by instrument, form, scale
    on conflict (instrument, form, scale) do nothing`.execute(db);
  await sql`update scores set scale_id = (select s.id from score_scales s
    where s.instrument = scores.instrument and s.form = scores.form and s.scale = scores.scale)
    where scale_id is null`.execute(db);
}
