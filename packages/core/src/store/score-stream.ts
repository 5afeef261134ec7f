import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { ScoreFilter, type ScoreRow } from '../schemas/score';
import type { Database } from './database';
import { isPostgres } from './migrations/dialect';
import {
  KeyTable,
  PartRows,
  rankSessions,
  ScoreBatch,
  type ScoreVisitor,
  SessionMerge,
  type StreamKey,
  type StreamSession,
} from './score-batches';
import { type PART_COLUMNS, scoreParts } from './score-parts';
import { scanScoresSqlite } from './score-scan';
import { readSnapshot } from './write-lock';

export type { ScoreBatch, ScoreVisitor, StreamKey, StreamSession };

/** The store of a study as the streaming read needs it: a Study, or one with `sqlite: null` for the batched path. */
export interface ScoreStore {
  db: Kysely<Database>;
  sqlite: BetterSqlite3.Database | null;
}

/** Clients per query of the batched path (PostgreSQL): a few hundred sessions' scores in memory at a time. */
const CLIENTS_PER_BATCH = 50;

/**
 * Every score a filter keeps, as queryScores gives them and in its order, handed to `visit` one at a time without
 * holding them as rows: the dataset export reads a million scores this way.
 *
 * On SQLite the scores come from one scan of the score table (score-scan.ts), sorted and handed on synchronously:
 * `visit` must not await (the export writes with blocking writes, which are their own backpressure). On
 * PostgreSQL, and given `sqlite: null`, the rows come a batch of clients at a time.
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

export async function forEachScoreOf(
  store: ScoreStore,
  filter: ScoreFilter,
  visit: ScoreVisitor,
  opts: { clientsPerBatch?: number; sessionsPerBatch?: number } = {},
): Promise<number> {
  if (store.sqlite) return forEachScoreBatch(store, filter, (b) => b.visitEach(visit), opts);
  return visitBatched(store.db, ScoreFilter.parse(filter), new KeyTable(), visit, opts.clientsPerBatch);
}

/** Scores a batch of the batched path gathers before it is handed on (the sessions are kept whole). */
const BATCH_SCORES = 50_000;

/**
 * forEachScoreOf's scores a batch at a time, as typed arrays in queryScores' order (ScoreBatch): what a writer of
 * a million rows loops over without a call or an object per score. On SQLite a batch is a pass of the scan
 * (score-scan.ts: the whole store when it holds up to a couple of million scores; `sessionsPerBatch` sets a
 * pass's sessions); elsewhere some fifty thousand scores of the batched path.
 */
export async function forEachScoreBatch(
  store: ScoreStore,
  filter: ScoreFilter,
  onBatch: (batch: ScoreBatch) => void,
  opts: { clientsPerBatch?: number; sessionsPerBatch?: number } = {},
): Promise<number> {
  const f = ScoreFilter.parse(filter);
  const keys = new KeyTable();
  if (store.sqlite) return scanScoresSqlite(store.sqlite, f, keys, onBatch, opts.sessionsPerBatch);
  let batch: ScoreBatch | undefined;
  let last: StreamSession | undefined;
  const n = await visitBatched(
    store.db,
    f,
    keys,
    (s, k, score, pomp, prorated, missing) => {
      if (s !== last && batch!.n >= BATCH_SCORES) {
        onBatch(batch!);
        batch!.n = 0;
      }
      last = s;
      batch!.push(s.rank, k.id, score, pomp, (prorated ? 1 : 0) + (missing ? 2 : 0));
    },
    opts.clientsPerBatch,
    (ranked) => {
      batch = new ScoreBatch(ranked, keys.all);
    },
  );
  if (batch && batch.n > 0) onBatch(batch);
  return n;
}

/**
 * The batched path (PostgreSQL, and SQLite given `sqlite: null`): the sessions read and ranked first (handed to
 * `onSessions` in rank order), then the scores of a batch of clients per query, sorted per session.
 */
async function visitBatched(
  db: Kysely<Database>,
  f: ScoreFilter,
  keys: KeyTable,
  visit: ScoreVisitor,
  clientsPerBatch = CLIENTS_PER_BATCH,
  onSessions: (ranked: StreamSession[]) => void = () => {},
): Promise<number> {
  const a = new PartRows(keys, false);
  const b = new PartRows(keys, true);
  // The batches are separate queries; one REPEATABLE READ snapshot keeps a session written meanwhile from
  // showing up in a later batch without its keys (SQLite's statements hold one snapshot by themselves).
  const batched = async (db: Kysely<Database>) => {
    const sessions = new Map<unknown, StreamSession>();
    for (const s of await dbSessions(db)) sessions.set(s[0], keysOf(s));
    onSessions(rankSessions(sessions));
    const merge = new SessionMerge(keys, visit);
    const clients = [...new Set([...sessions.values()].map((s) => s.client))].sort(byteCompare);
    let n = 0;
    for (let i = 0; i < clients.length; i += clientsPerBatch) {
      const [responses, ratings] = await Promise.all(
        scoreParts(db, f, clients.slice(i, i + clientsPerBatch)).map(
          async (q) => (await q.execute()) as Array<Record<(typeof PART_COLUMNS)[number], unknown>>,
        ),
      );
      a.fromColumns(responses!, sessions);
      b.fromColumns(ratings!, sessions);
      n += merge.batch(a, b);
    }
    return n;
  };
  return isPostgres(db as Kysely<unknown>) ? readSnapshot(db, batched) : batched(db);
}

/** key (rowid or id), id, client, therapist, session number, date */
type SessionTuple = [unknown, string, string, string, number, string | null];

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
