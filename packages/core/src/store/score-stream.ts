import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { ScoreFilter, type ScoreRow } from '../schemas/score';
import type { Database } from './database';
import { isPostgres } from './migrations/dialect';
import {
  KeyTable,
  PartRows,
  rankSessions,
  type ScoreVisitor,
  SessionMerge,
  type StreamKey,
  type StreamSession,
} from './score-batches';
import {
  type PART_COLUMNS,
  prepareWithoutAutoIndex,
  RANGE_FROM,
  RANGE_TO,
  scoreParts,
  VISIT_FUNCTION,
} from './score-parts';

import { readSnapshot } from './write-lock';

export type { ScoreVisitor, StreamKey, StreamSession };

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
 * On SQLite the scores come a range of clients at a time (a couple of thousand sessions), each range read by one
 * statement and handed on before the next is read, synchronously: `visit` must not await (the export writes with
 * blocking writes, which are their own backpressure). On PostgreSQL, and given `sqlite: null`, the rows come a
 * batch of clients at a time.
 */
export async function forEachScore(
  store: ScoreStore,
  filter: ScoreFilter,
  visit: (row: ScoreRow) => void,
  opts: { clientsPerBatch?: number; sessionsPerBatch?: number } = {},
): Promise<number> {
  return forEachScoreOf(
    store,
    filter,
    (s, k, score, pomp, prorated, missing) => visit(scoreRow(s, k, score, pomp, prorated, missing)),
    opts,
  );
}

/** One score of forEachScoreOf as the row queryScores gives. */
export function scoreRow(
  s: StreamSession,
  k: StreamKey,
  score: number | null,
  pomp: number | null,
  prorated: boolean,
  missing: boolean,
): ScoreRow {
  return {
    session_id: s.session_id,
    client: s.client,
    therapist: s.therapist,
    session: s.session,
    date: s.date,
    source: k.source,
    rater: k.rater,
    replicate: k.replicate,
    instrument: k.instrument,
    form: k.form,
    scale: k.scale,
    score,
    pomp,
    prorated,
    missing,
  };
}

/**
 * forEachScore's scores without a row object each: the session and key objects are shared, so a writer can keep
 * what it derives from them (encoded cells, a wide column) and do per score only what the values need.
 *
 * The store is asked for no order within a batch (PostgreSQL orders by client and session, which the sessions'
 * index gives for free); each batch is put in session order here and each session's few dozen scores sorted as
 * queryScores sorts. A full ORDER BY made SQLite sort the million rows in a temporary B-tree, which cost more than
 * reading them. Clients are ordered byte-wise (SQLite's collation, PostgreSQL's "C"), the same as queryScores'
 * order for every id without characters beyond U+FFFF.
 */
export async function forEachScoreOf(
  store: ScoreStore,
  filter: ScoreFilter,
  visit: ScoreVisitor,
  opts: { clientsPerBatch?: number; sessionsPerBatch?: number } = {},
): Promise<number> {
  const f = ScoreFilter.parse(filter);
  const keys = new KeyTable();
  const a = new PartRows(keys, false);
  const b = new PartRows(keys, true);
  if (store.sqlite)
    return visitSqlite(store.sqlite, store.db, f, new SessionMerge(keys, visit), [a, b], opts.sessionsPerBatch);
  // The batches are separate queries; one REPEATABLE READ snapshot keeps a session written meanwhile from
  // showing up in a later batch without its keys (SQLite's statements hold one snapshot by themselves).
  const batched = async (db: Kysely<Database>) => {
    const sessions = new Map<unknown, StreamSession>();
    for (const s of await dbSessions(db)) sessions.set(s[0], keysOf(s));
    rankSessions(sessions);
    const merge = new SessionMerge(keys, visit);
    const clients = [...new Set([...sessions.values()].map((s) => s.client))].sort(byteCompare);
    const per = opts.clientsPerBatch ?? CLIENTS_PER_BATCH;
    let n = 0;
    for (let i = 0; i < clients.length; i += per) {
      const [responses, ratings] = await Promise.all(
        scoreParts(db, f, 'columns', clients.slice(i, i + per)).map(
          async (q) => (await q.execute()) as Array<Record<(typeof PART_COLUMNS)[number], unknown>>,
        ),
      );
      a.fromColumns(responses!, sessions);
      b.fromColumns(ratings!, sessions);
      n += merge.batch(a, b);
    }
    return n;
  };
  return isPostgres(store.db as Kysely<unknown>) ? readSnapshot(store.db, batched) : batched(store.db);
}

/** Sessions per batch of the SQLite path: a batch's scores wait in memory to be put in order (a few megabytes). */
const SESSIONS_PER_BATCH = 2_000;

/** The part whose rows alliance_score is handing over, on whichever connection runs it. */
let receiving: PartRows | undefined;
const registered = new WeakSet<BetterSqlite3.Database>();

/**
 * SQLite: the sessions in client ranges of a couple of thousand sessions, each range's scores handed over by
 * alliance_score (score-parts.ts) into the parts' buffers, sorted by session and merged. Every statement runs
 * inside one read transaction, held by a statement left stepping (SQLite keeps one while any statement of the
 * connection is active), so the export is one snapshot of the store however long it takes.
 */
function visitSqlite(
  sqlite: BetterSqlite3.Database,
  db: Kysely<Database>,
  f: ScoreFilter,
  merge: SessionMerge,
  [a, b]: [PartRows, PartRows],
  perBatch = SESSIONS_PER_BATCH,
): number {
  if (!registered.has(sqlite)) {
    sqlite.function(VISIT_FUNCTION, { deterministic: false, directOnly: true }, (sf, key, score, pomp) => {
      if (!receiving) throw new Error(`${VISIT_FUNCTION} is called only by the score stream`);
      receiving.packed(sf as number, key as string, score as number | null, pomp as number | null);
      return 1;
    });
    registered.add(sqlite);
  }
  // Prepared before the snapshot is taken: the connection takes no pragma while a statement is active.
  const parts = scoreParts(db, f, 'visit').map((q) => {
    const { sql: text, parameters } = q.compile();
    return { statement: prepareWithoutAutoIndex(sqlite, text), parameters: parameters as unknown[] };
  });
  const snapshot = sqlite.prepare('select 1 from sessions').raw(true).iterate();
  try {
    snapshot.next();
    const sessions = new Map<unknown, StreamSession>();
    for (const s of sqlite.prepare(SESSIONS_SQLITE).raw(true).all() as SessionTuple[]) sessions.set(s[0], keysOf(s));
    const ranked = rankSessions(sessions);
    a.sessions = b.sessions = sessions;
    let n = 0;
    for (let i = 0; i < ranked.length; ) {
      // A batch ends with a client's last session, so a client range holds whole clients.
      let j = Math.min(i + perBatch, ranked.length) - 1;
      while (j + 1 < ranked.length && ranked[j + 1]!.client === ranked[j]!.client) j++;
      const from = ranked[i]!.client;
      const to = ranked[j]!.client;
      [a, b].forEach((rows, p) => {
        const { statement, parameters } = parts[p]!;
        rows.clear();
        receiving = rows;
        try {
          const got = statement
            .pluck(true)
            .get(...parameters.map((v) => (v === RANGE_FROM ? from : v === RANGE_TO ? to : v))) as number;
          if (got !== rows.n) throw new Error(`the score stream counted ${got} scores and was given ${rows.n}`);
        } finally {
          receiving = undefined;
        }
      });
      n += merge.batch(a, b);
      i = j + 1;
    }
    return n;
  } finally {
    snapshot.return?.();
  }
}

/** key (rowid or id), id, client, therapist, session number, date */
type SessionTuple = [unknown, string, string, string, number, string | null];

const SESSIONS_SQLITE = 'select rowid, id, client_id, therapist_id, session_index, date from sessions';

async function dbSessions(db: Kysely<Database>): Promise<SessionTuple[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'client_id', 'therapist_id', 'session_index', 'date'])
    .execute();
  return rows.map((s) => [s.id, s.id, s.client_id, s.therapist_id, s.session_index, s.date]);
}

function keysOf(s: SessionTuple): StreamSession {
  return { session_id: s[1], client: s[2], therapist: s[3], session: s[4], date: s[5], rank: 0 };
}

/** UTF-8 byte order, the order of SQLite's collation and PostgreSQL's "C". */
function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
