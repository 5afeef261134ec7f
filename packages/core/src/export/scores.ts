import { variableName } from '@alliance-lab/instruments';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database';

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
  let responses = db
    .selectFrom('scores as sc')
    .innerJoin('responses as r', (j) => j.onRef('r.id', '=', 'sc.source_id').on('sc.source', '=', 'response'))
    .innerJoin('sessions as s', 's.id', 'r.session_id')
    .select([
      's.id as session_id',
      's.client_id as client',
      's.therapist_id as therapist',
      's.session_index as session',
      's.date as date',
      'r.respondent as rater',
      'sc.instrument',
      'sc.form',
      'sc.scale',
      'sc.score',
      'sc.pomp',
      'sc.prorated',
      'sc.missing',
    ]);
  // Ratings of superseded transcript versions stay in the store for the record but are not exported.
  let ratings = db
    .selectFrom('scores as sc')
    .innerJoin('ratings as g', (j) => j.onRef('g.id', '=', 'sc.source_id').on('sc.source', '=', 'rating'))
    .innerJoin('transcripts as t', 't.id', 'g.transcript_id')
    .innerJoin('sessions as s', 's.id', 'g.session_id')
    .where('t.is_current', '=', 1)
    .where('g.status', '=', 'ok')
    .select([
      's.id as session_id',
      's.client_id as client',
      's.therapist_id as therapist',
      's.session_index as session',
      's.date as date',
      'g.rater as rater',
      'g.replicate as replicate',
      'sc.instrument',
      'sc.form',
      'sc.scale',
      'sc.score',
      'sc.pomp',
      'sc.prorated',
      'sc.missing',
    ]);
  if (filter.instrument) {
    responses = responses.where('sc.instrument', '=', filter.instrument);
    ratings = ratings.where('sc.instrument', '=', filter.instrument);
  }
  if (filter.form) {
    responses = responses.where('sc.form', '=', filter.form);
    ratings = ratings.where('sc.form', '=', filter.form);
  }
  if (filter.scale) {
    responses = responses.where('sc.scale', '=', filter.scale);
    ratings = ratings.where('sc.scale', '=', filter.scale);
  }
  if (filter.raters?.length) {
    responses = responses.where('r.respondent', 'in', filter.raters);
    ratings = ratings.where('g.rater', 'in', filter.raters);
  }
  const rows: ScoreRow[] = [];
  for (const r of await responses.execute()) {
    const selfReport = r.rater === 'client' || r.rater === 'therapist';
    rows.push({ ...r, source: selfReport ? 'self-report' : 'coder', replicate: 0, prorated: r.prorated ? 1 : 0, missing: r.missing ? 1 : 0 });
  }
  for (const r of await ratings.execute()) rows.push({ ...r, source: 'rater', prorated: r.prorated ? 1 : 0, missing: r.missing ? 1 : 0 });
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
  if (rows.length === 0) return [];
  // Loaded here, not at the top: every CLI command imports this module, and arquero takes a noticeable while to load.
  const aq = await import('arquero');
  const keyed = rows.map((r) => ({
    session_id: r.session_id,
    client: r.client,
    therapist: r.therapist,
    session: r.session,
    date: r.date,
    key: `${r.rater.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_${variableName(r.instrument, r.form, r.scale)}`,
    score: r.score,
  }));
  return aq
    .from(keyed)
    .groupby('session_id', 'client', 'therapist', 'session', 'date')
    .pivot('key', { score: (d: { score: number }) => aq.op.mean(d.score) })
    .orderby('client', 'session')
    .objects() as Array<Record<string, unknown>>;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
