import { type CompiledQuery, type Kysely, sql } from 'kysely';
import type { ScoreFilter } from '../schemas/score';
import type { Database } from './database';
import { isPostgres } from './migrations/dialect';
import { SELF_REPORTERS } from './scores';

/** The columns of a part's rows. */
export const PART_COLUMNS = [
  'session',
  'rater',
  'replicate',
  'instrument',
  'form',
  'scale',
  'score',
  'pomp',
  'prorated',
  'missing',
] as const;

/**
 * The two parts of queryScores' rows, scores of responses and scores of ok ratings of current transcript
 * versions, each driven from the sessions: CROSS JOIN keeps SQLite from reordering the joins, so each session's
 * responses (ratings) and their scores are found through the primary keys. Two plain queries rather than a union,
 * as a union can be ordered only by what it selects, and every column read costs at a million rows. `clients`
 * narrows to a batch of clients. The batched path of the score stream runs them (SQLite's scans the score table:
 * score-scan.ts).
 */
export function scoreParts(db: Kysely<Database>, f: ScoreFilter, clients?: string[]) {
  const pg = isPostgres(db as Kysely<unknown>);
  const sessions = () => {
    let q = db.selectFrom('sessions as s');
    if (clients) q = q.where('s.client_id', 'in', clients);
    if (f.clients?.length) q = q.where('s.client_id', 'in', f.clients);
    if (f.therapists?.length) q = q.where('s.therapist_id', 'in', f.therapists);
    if (f.sessions?.from !== undefined) q = q.where('s.session_index', '>=', f.sessions.from);
    if (f.sessions?.to !== undefined) q = q.where('s.session_index', '<=', f.sessions.to);
    return q;
  };
  const sources = f.sources?.length ? f.sources : undefined;
  const none = sql<boolean>`1 = 0`;
  let responses = sessions()
    .crossJoin('responses as r')
    .crossJoin('scores as sc')
    .whereRef('r.session_id', '=', 's.id')
    .where('sc.source', '=', 'response')
    .whereRef('sc.source_id', '=', 'r.id');
  if (sources && !sources.includes('self-report'))
    responses = responses.where('r.respondent', 'not in', SELF_REPORTERS);
  if (sources && !sources.includes('coder')) responses = responses.where('r.respondent', 'in', SELF_REPORTERS);
  if (f.raters?.length) responses = responses.where('r.respondent', 'in', f.raters);
  let ratings = sessions()
    .crossJoin('ratings as g')
    .crossJoin('transcripts as t')
    .crossJoin('scores as sc')
    .whereRef('g.session_id', '=', 's.id')
    .whereRef('t.id', '=', 'g.transcript_id')
    .where('t.is_current', '=', 1)
    .where('g.status', '=', 'ok')
    .where('sc.source', '=', 'rating')
    .whereRef('sc.source_id', '=', 'g.id');
  if (sources && !sources.includes('rater')) ratings = ratings.where(none);
  if (f.raters?.length) ratings = ratings.where('g.rater', 'in', f.raters);
  for (const [column, value] of [
    ['sc.instrument', f.instrument],
    ['sc.form', f.form],
    ['sc.scale', f.scale],
  ] as const)
    if (value !== undefined) {
      responses = responses.where(column, '=', value);
      ratings = ratings.where(column, '=', value);
    }
  const client = pg ? sql`s.client_id collate "C"` : sql`s.client_id`;
  const numbers = ['sc.score', 'sc.pomp'] as const;
  const scoreColumns = ['sc.instrument', 'sc.form', 'sc.scale', ...numbers, 'sc.prorated', 'sc.missing'] as const;
  return [
    responses
      .select([
        sql<unknown>`s.id`.as('session'),
        'r.respondent as rater',
        sql<number>`0`.as('replicate'),
        ...scoreColumns,
      ])
      .orderBy(client)
      .orderBy('s.session_index'),
    ratings
      .select([sql<unknown>`s.id`.as('session'), 'g.rater', 'g.replicate', ...scoreColumns])
      .orderBy(client)
      .orderBy('s.session_index'),
  ] as [Part, Part];
}

/** A part's query, whichever its shape. */
interface Part {
  compile(): CompiledQuery;
  execute(): Promise<unknown[]>;
}
