import { variableName } from '@alliance-lab/instruments';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/database';
import { pivotMean } from '../util/pivot';

/**
 * One row per scale score, in the long shape R and Python users expect: who was rated (client, session),
 * by whom (source and rater), on what (instrument, form, scale), with the score, its POMP and the
 * proration/missing flags. Self-reports, human coders and automated raters share the columns so every
 * analysis can put them side by side.
 */
export interface ScoreRow {
  /** One id per session ("C01/3"), the unit of analysis for agreement statistics (--subject session_id). */
  session_id: string;
  client: string;
  therapist: string;
  session: number;
  date: string | null;
  /** self-report (client or therapist forms), coder (human observer), or rater (automated). */
  source: 'self-report' | 'coder' | 'rater';
  /** "client" or "therapist" for self-report, the coder's id, or the rater configuration's name. */
  rater: string;
  replicate: number;
  instrument: string;
  form: string;
  scale: string;
  score: number | null;
  pomp: number | null;
  prorated: 0 | 1;
  missing: 0 | 1;
}

export const SCORE_COLUMNS: Array<keyof ScoreRow> = [
  'session_id',
  'client',
  'therapist',
  'session',
  'date',
  'source',
  'rater',
  'replicate',
  'instrument',
  'form',
  'scale',
  'score',
  'pomp',
  'prorated',
  'missing',
];

export interface ScoreFilter {
  instrument?: string;
  form?: string;
  scale?: string;
  /** Rater names or respondent ids to keep. */
  raters?: string[];
}

export async function exportScores(db: Kysely<Database>, filter: ScoreFilter = {}): Promise<ScoreRow[]> {
  // What a score can belong to, in one shape: a stored response (its respondent rates) or an automated rating.
  // The constants are SQL literals, not parameters, so PostgreSQL can type the union's columns.
  // Ratings of superseded transcript versions, and failed ones, stay in the store for the record but are not
  // exported.
  const origins = db
    .selectFrom('responses')
    .select([
      'id',
      'session_id',
      'respondent as rater',
      sql<number>`0`.as('replicate'),
      sql<string>`'response'`.as('kind'),
    ])
    .unionAll(
      db
        .selectFrom('ratings as g')
        .innerJoin('transcripts as t', 't.id', 'g.transcript_id')
        .where('t.is_current', '=', 1)
        .where('g.status', '=', 'ok')
        .select(['g.id', 'g.session_id', 'g.rater', 'g.replicate', sql<string>`'rating'`.as('kind')]),
    );
  let q = db
    .selectFrom('scores as sc')
    .innerJoin(origins.as('o'), (j) => j.onRef('o.id', '=', 'sc.source_id').onRef('o.kind', '=', 'sc.source'))
    .innerJoin('sessions as s', 's.id', 'o.session_id')
    .select([
      's.id as session_id',
      's.client_id as client',
      's.therapist_id as therapist',
      's.session_index as session',
      's.date as date',
      'o.kind',
      'o.rater',
      'o.replicate',
      'sc.instrument',
      'sc.form',
      'sc.scale',
      'sc.score',
      'sc.pomp',
      'sc.prorated',
      'sc.missing',
    ]);
  if (filter.instrument) q = q.where('sc.instrument', '=', filter.instrument);
  if (filter.form) q = q.where('sc.form', '=', filter.form);
  if (filter.scale) q = q.where('sc.scale', '=', filter.scale);
  if (filter.raters?.length) q = q.where('o.rater', 'in', filter.raters);
  const rows: ScoreRow[] = (await q.execute()).map(({ kind, ...r }) => ({
    ...r,
    source: kind === 'rating' ? 'rater' : r.rater === 'client' || r.rater === 'therapist' ? 'self-report' : 'coder',
    replicate: Number(r.replicate),
    prorated: r.prorated ? 1 : 0,
    missing: r.missing ? 1 : 0,
  }));
  rows.sort(
    (a, b) =>
      cmp(a.client, b.client) ||
      a.session - b.session ||
      cmp(a.source, b.source) ||
      cmp(a.rater, b.rater) ||
      a.replicate - b.replicate ||
      cmp(a.instrument, b.instrument) ||
      cmp(a.form, b.form) ||
      cmp(a.scale, b.scale),
  );
  return rows;
}

/**
 * The wide shape: one row per client and session, one column per rater × instrument × form × scale, named as
 * the codebook names them (e.g. `client_wai_sr_client_total`, `lexicon_wai_o_s_observer_bond`), for SPSS-style
 * analysis. Replicates are averaged, which is what a between-method comparison wants; the long export keeps
 * them apart.
 */
export async function widenScores(rows: ScoreRow[]): Promise<Array<Record<string, unknown>>> {
  const wide = pivotMean(
    rows,
    ['session_id', 'client', 'therapist', 'session', 'date'],
    (r) => `${r.rater.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_${variableName(r.instrument, r.form, r.scale)}`,
    (r) => r.score,
  );
  return wide.sort((a, b) => cmp(a.client, b.client) || a.session - b.session);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
