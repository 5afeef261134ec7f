import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { ScoreFilter, type ScoreRow } from '../schemas/score';
import type { Database } from './database';
import { isPostgres } from './migrations/dialect';
import { SELF_REPORTERS } from './scores';
import { readSnapshot } from './write-lock';

/** The store of a study as the streaming read needs it: a Study, or one with `sqlite: null` for the batched path. */
export interface ScoreStore {
  db: Kysely<Database>;
  sqlite: BetterSqlite3.Database | null;
}

/** Clients per query of the batched path (PostgreSQL): a few hundred sessions' scores in memory at a time. */
const CLIENTS_PER_BATCH = 50;

/**
 * Every score a filter keeps, as queryScores gives them and in its order, handed to `visit` one at a time without
 * holding them all: the dataset export reads a million scores this way in a few megabytes.
 *
 * On SQLite one statement is stepped row by row (better-sqlite3's iterate), synchronously: the connection is busy
 * while it steps, so `visit` must not await (the export writes with blocking writes, which are their own
 * backpressure). On PostgreSQL, and given `sqlite: null`, the rows come a batch of clients at a time.
 *
 * The store orders only by client and session, which the sessions' unique index gives for free; each session's
 * few dozen scores are sorted here, as queryScores sorts. A full ORDER BY made SQLite sort the million rows in a
 * temporary B-tree, which cost more than reading them. Clients are ordered byte-wise (SQLite's collation,
 * PostgreSQL's "C"), the same as queryScores' order for every id without characters beyond U+FFFF.
 */
export async function forEachScore(
  store: ScoreStore,
  filter: ScoreFilter,
  visit: (row: ScoreRow) => void,
  opts: { clientsPerBatch?: number } = {},
): Promise<number> {
  const f = ScoreFilter.parse(filter);
  if (store.sqlite) {
    const sqlite = store.sqlite;
    const [responses, ratings] = scoreParts(store.db, f, true)
      .map((q) => {
        const { sql: text, parameters } = q.compile();
        return { statement: prepareWithoutAutoIndex(sqlite, text), parameters: parameters as unknown[] };
      })
      .map((p) => p.statement.iterate(...p.parameters) as Iterator<PartRow>) as [Iterator<PartRow>, Iterator<PartRow>];
    // Both statements step once before the sessions are read, so all three reads see one snapshot of the store
    // (SQLite keeps one read transaction while any statement of the connection is active).
    const first = [responses.next(), ratings.next()] as const;
    const sessions = new Map<unknown, SessionKeys>();
    for (const s of sqlite.prepare(SESSIONS_SQLITE).raw(true).all() as SessionTuple[]) sessions.set(s[0], keysOf(s));
    return mergeSessions(sessions, responses, ratings, first, visit);
  }
  // The batches are separate queries; one REPEATABLE READ snapshot keeps a session written meanwhile from
  // showing up in a later batch without its keys (SQLite's single statement holds one snapshot by itself).
  const batched = async (db: Kysely<Database>) => {
    const sessions = new Map<unknown, SessionKeys>();
    for (const s of await db_sessions(db)) sessions.set(s[0], keysOf(s));
    const clients = [...new Set([...sessions.values()].map((s) => s.client))].sort(byteCompare);
    const per = opts.clientsPerBatch ?? CLIENTS_PER_BATCH;
    let n = 0;
    for (let i = 0; i < clients.length; i += per) {
      const [responses, ratings] = await Promise.all(
        scoreParts(db, f, false, clients.slice(i, i + per)).map(async (q) =>
          (await q.execute()).map((r) => PART_COLUMNS.map((c) => (r as Record<string, unknown>)[c]) as PartRow),
        ),
      );
      const a = responses![Symbol.iterator]();
      const b = ratings![Symbol.iterator]();
      n += mergeSessions(sessions, a, b, [a.next(), b.next()], visit);
    }
    return n;
  };
  return isPostgres(store.db as Kysely<unknown>) ? readSnapshot(store.db, batched) : batched(store.db);
}

/** One score of a part: the session (rowid on SQLite, id elsewhere), rater, replicate, then the score's columns. */
type PartRow = [unknown, string, number | string, string, string, string, number | null, number | null, number, number];
const PART_COLUMNS = [
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

type SessionKeys = Pick<ScoreRow, 'session_id' | 'client' | 'therapist' | 'session' | 'date'> & { rank: number };
/** key (rowid or id), id, client, therapist, session number, date */
type SessionTuple = [unknown, string, string, string, number, string | null];

const SESSIONS_SQLITE = 'select rowid, id, client_id, therapist_id, session_index, date from sessions';

async function db_sessions(db: Kysely<Database>): Promise<SessionTuple[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'client_id', 'therapist_id', 'session_index', 'date'])
    .execute();
  return rows.map((s) => [s.id, s.id, s.client_id, s.therapist_id, s.session_index, s.date]);
}

function keysOf(s: SessionTuple): SessionKeys {
  return { session_id: s[1], client: s[2], therapist: s[3], session: s[4], date: s[5], rank: 0 };
}

/**
 * Walks both parts session by session (each comes in client and session order), sorting each session's scores
 * into queryScores' order before handing them on.
 */
function mergeSessions(
  sessions: Map<unknown, SessionKeys>,
  responses: Iterator<PartRow>,
  ratings: Iterator<PartRow>,
  first: readonly [IteratorResult<PartRow>, IteratorResult<PartRow>],
  visit: (row: ScoreRow) => void,
): number {
  rankSessions(sessions);
  const keys = (r: PartRow) => {
    const k = sessions.get(r[0]);
    if (!k) throw new Error(`a score's session (${String(r[0])}) is not in the store`);
    return k;
  };
  let [a, b] = first;
  let n = 0;
  const group: ScoreRow[] = [];
  while (!a.done || !b.done) {
    const ka = a.done ? undefined : keys(a.value);
    const kb = b.done ? undefined : keys(b.value);
    const takeA = kb === undefined || (ka !== undefined && ka.rank <= kb.rank);
    const k = takeA ? ka! : kb;
    const key = (takeA ? a : b).value![0];
    while (!a.done && a.value[0] === key) {
      group.push(scoreRow(k, a.value, false));
      a = responses.next();
    }
    while (!b.done && b.value[0] === key) {
      group.push(scoreRow(k, b.value, true));
      b = ratings.next();
    }
    group.sort(withinSession);
    for (const r of group) visit(r);
    n += group.length;
    group.length = 0;
  }
  return n;
}

/** Each session's place in client (byte-wise) and session order: the order both parts come in. */
function rankSessions(sessions: Map<unknown, SessionKeys>): void {
  const all = [...sessions.values()];
  const bytes = new Map(all.map((s) => [s.client, Buffer.from(s.client)]));
  all.sort((x, y) => Buffer.compare(bytes.get(x.client)!, bytes.get(y.client)!) || x.session - y.session);
  all.forEach((s, i) => {
    s.rank = i;
  });
}

function scoreRow(k: SessionKeys, r: PartRow, rating: boolean): ScoreRow {
  const rater = r[1];
  return {
    session_id: k.session_id,
    client: k.client,
    therapist: k.therapist,
    session: k.session,
    date: k.date,
    source: rating ? 'rater' : SELF_REPORTERS.includes(rater) ? 'self-report' : 'coder',
    rater,
    // PostgreSQL gives the literal 0 of the responses part as text.
    replicate: Number(r[2]),
    instrument: r[3],
    form: r[4],
    scale: r[5],
    score: r[6],
    pomp: r[7],
    prorated: r[8] === 1,
    missing: r[9] === 1,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** queryScores' order after client and session. */
function withinSession(a: ScoreRow, b: ScoreRow): number {
  return (
    cmp(a.source, b.source) ||
    cmp(a.rater, b.rater) ||
    a.replicate - b.replicate ||
    cmp(a.instrument, b.instrument) ||
    cmp(a.form, b.form) ||
    cmp(a.scale, b.scale)
  );
}

/** UTF-8 byte order, the order of SQLite's collation and PostgreSQL's "C". */
function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Without statistics SQLite's planner builds an automatic index over every score for the join, on each run,
 * rather than use the primary key; the score table's own index is the right one, so automatic indexes are off
 * while the statement is planned (the plan is fixed at prepare).
 */
function prepareWithoutAutoIndex(sqlite: BetterSqlite3.Database, text: string): BetterSqlite3.Statement {
  const was = sqlite.pragma('automatic_index', { simple: true });
  sqlite.pragma('automatic_index = off');
  try {
    return sqlite.prepare(text).raw(true);
  } finally {
    sqlite.pragma(`automatic_index = ${was ? 'on' : 'off'}`);
  }
}

/**
 * The two parts of queryScores' rows, scores of responses and scores of ok ratings of current transcript
 * versions, each driven from the sessions in client and session order: CROSS JOIN keeps SQLite from reordering
 * the joins, so the sessions' unique index gives the order and nothing is sorted. Two plain queries rather than
 * a union, as a union can be ordered only by what it selects, and every column read costs at a million rows.
 * `clients` narrows to a batch of clients.
 */
function scoreParts(db: Kysely<Database>, f: ScoreFilter, rowid: boolean, clients?: string[]) {
  const pg = isPostgres(db as Kysely<unknown>);
  const session = rowid ? sql<unknown>`s.rowid`.as('session') : sql<unknown>`s.id`.as('session');
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
    .whereRef('sc.source_id', '=', 'r.id')
    .select([
      session,
      'r.respondent as rater',
      sql<number>`0`.as('replicate'),
      'sc.instrument',
      'sc.form',
      'sc.scale',
      'sc.score',
      'sc.pomp',
      'sc.prorated',
      'sc.missing',
    ]);
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
    .whereRef('sc.source_id', '=', 'g.id')
    .select([
      session,
      'g.rater',
      'g.replicate',
      'sc.instrument',
      'sc.form',
      'sc.scale',
      'sc.score',
      'sc.pomp',
      'sc.prorated',
      'sc.missing',
    ]);
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
  return [
    responses.orderBy(client).orderBy('s.session_index'),
    ratings.orderBy(client).orderBy('s.session_index'),
  ] as const;
}
