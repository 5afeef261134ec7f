import type BetterSqlite3 from 'better-sqlite3';
import { type CompiledQuery, type Kysely, type RawBuilder, sql } from 'kysely';
import type { ScoreFilter } from '../schemas/score';
import type { Database } from './database';
import { isPostgres } from './migrations/dialect';
import { SELF_REPORTERS } from './scores';

/**
 * How the rows of a part come back. `columns`: one row per score, one column per field (PostgreSQL, and the
 * batched path). `visit` (SQLite): one row in all, `count(alliance_score(…))`, the function called once for each
 * score that passes the WHERE clause (an aggregate's argument is evaluated for exactly those rows). better-sqlite3
 * builds an array, a JS value per column and a result object for each row it returns, through V8's slow paths on
 * Node 20, which cost more than SQLite's own reading at a million rows; a function call with four arguments costs a
 * quarter of that. The arguments are packed into four:
 * - the session's rowid × 4 + prorated + 2 × missing;
 * - the score's key as one text: the byte lengths of the rater (or respondent), instrument and form, each followed
 *   by a comma (ratings start with their replicate and a comma), then the four texts joined. The lengths make it
 *   unambiguous whatever the texts hold, and it is decoded once per distinct key;
 * - score, pomp.
 * The rows come in no particular order; the stream sorts them by session.
 */
export type PartShape = 'columns' | 'visit';

/** The SQL function a `visit` part calls per score (registered on the connection by score-stream.ts). */
export const VISIT_FUNCTION = 'alliance_score';

/** Placeholders of a `visit` part's client range, replaced by each batch's first and last client. */
export const RANGE_FROM = '\u0000alliance-range-from';
export const RANGE_TO = '\u0000alliance-range-to';

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

const bytes = (column: string): RawBuilder<number> => sql<number>`length(cast(${sql.ref(column)} as blob))`;

function packedKey(rater: string, replicate: string | null): RawBuilder<string> {
  const lengths = sql`${bytes(rater)} || ',' || ${bytes('sc.instrument')} || ',' || ${bytes('sc.form')} || ','`;
  const texts = sql`${sql.ref(rater)} || sc.instrument || sc.form || sc.scale`;
  return replicate === null
    ? sql<string>`${lengths} || ${texts}`
    : sql<string>`${sql.ref(replicate)} || ',' || ${lengths} || ${texts}`;
}

const PACKED_FLAGS = sql`s.rowid * 4 + (sc.prorated = 1) + 2 * (sc.missing = 1)`;

function visitAll(key: RawBuilder<string>) {
  return sql<number>`count(${sql.raw(VISIT_FUNCTION)}(${PACKED_FLAGS}, ${key}, sc.score, sc.pomp))`.as('n');
}

/**
 * The two parts of queryScores' rows, scores of responses and scores of ok ratings of current transcript
 * versions, each driven from the sessions: CROSS JOIN keeps SQLite from reordering the joins, so each session's
 * responses (ratings) and their scores are found through the primary keys. Two plain queries rather than a union,
 * as a union can be ordered only by what it selects, and every column read costs at a million rows. `clients`
 * narrows to a batch of clients (the `columns` shape); a `visit` part takes a client range (RANGE_FROM, RANGE_TO).
 */
export function scoreParts(db: Kysely<Database>, f: ScoreFilter, shape: PartShape, clients?: string[]) {
  const pg = isPostgres(db as Kysely<unknown>);
  const sessions = () => {
    let q = db.selectFrom('sessions as s');
    if (clients) q = q.where('s.client_id', 'in', clients);
    if (shape === 'visit') q = q.where('s.client_id', '>=', RANGE_FROM).where('s.client_id', '<=', RANGE_TO);
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
  if (shape === 'visit')
    return [
      responses.select(visitAll(packedKey('r.respondent', null))),
      ratings.select(visitAll(packedKey('g.rater', 'g.replicate'))),
    ] as [Part, Part];
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

/**
 * Without statistics SQLite's planner builds an automatic index over every score for the join, on each run,
 * rather than use the primary key; the score table's own index is the right one, so automatic indexes are off
 * while the statement is planned (the plan is fixed at prepare).
 */
export function prepareWithoutAutoIndex(sqlite: BetterSqlite3.Database, text: string): BetterSqlite3.Statement {
  const was = sqlite.pragma('automatic_index', { simple: true });
  sqlite.pragma('automatic_index = off');
  try {
    return sqlite.prepare(text);
  } finally {
    sqlite.pragma(`automatic_index = ${was ? 'on' : 'off'}`);
  }
}

/**
 * A packed key's parts: rater (or respondent), instrument, form, scale, and the replicate (0 for a response).
 * The lengths are UTF-8 bytes, so the texts are cut from the bytes.
 */
export function unpackKey(text: string, rating: boolean): [string, number, string, string, string] {
  const b = Buffer.from(text);
  let at = 0;
  const number = () => {
    const comma = b.indexOf(44, at);
    if (comma < 0) throw new Error(`a score key from the store is malformed: ${JSON.stringify(text)}`);
    const n = Number(b.toString('latin1', at, comma));
    at = comma + 1;
    return n;
  };
  const replicate = rating ? number() : 0;
  const lengths = [number(), number(), number()];
  const texts: string[] = [];
  for (const n of lengths) {
    texts.push(b.toString('utf8', at, at + n));
    at += n;
  }
  return [texts[0]!, replicate, texts[1]!, texts[2]!, b.toString('utf8', at)];
}
