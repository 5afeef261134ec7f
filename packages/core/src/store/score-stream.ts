import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { ScoreFilter, type ScoreRow } from '../schemas/score';
import type { Database } from './database';
import {
  type PART_COLUMNS,
  prepareWithoutAutoIndex,
  RANGE_FROM,
  RANGE_TO,
  scoreParts,
  unpackKey,
  VISIT_FUNCTION,
} from './score-parts';
import { SELF_REPORTERS } from './scores';

/** The store of a study as the streaming read needs it: a Study, or one with `sqlite: null` for the batched path. */
export interface ScoreStore {
  db: Kysely<Database>;
  sqlite: BetterSqlite3.Database | null;
}

/**
 * Who gave a score and what it scores, within its session: one object per distinct key of a stream, shared by all
 * its rows. `id` numbers the keys from 0 in the order they first come, for a caller keeping something per key.
 */
export type StreamKey = Pick<ScoreRow, 'source' | 'rater' | 'replicate' | 'instrument' | 'form' | 'scale'> & {
  readonly id: number;
};

/** A session of a stream, one object per session; `rank` is its place in client and session order, from 0. */
export type StreamSession = Pick<ScoreRow, 'session_id' | 'client' | 'therapist' | 'session' | 'date'> & {
  rank: number;
};

/** One score: its session, its key and its values, with no row object built. */
export type ScoreVisitor = (
  session: StreamSession,
  key: StreamKey,
  score: number | null,
  pomp: number | null,
  prorated: boolean,
  missing: boolean,
) => void;

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
    (s, k, score, pomp, prorated, missing) =>
      visit({
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
      }),
    opts,
  );
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
  const sessions = new Map<unknown, StreamSession>();
  for (const s of await dbSessions(store.db)) sessions.set(s[0], keysOf(s));
  rankSessions(sessions);
  const merge = new SessionMerge(keys, visit);
  const clients = [...new Set([...sessions.values()].map((s) => s.client))].sort(byteCompare);
  const per = opts.clientsPerBatch ?? CLIENTS_PER_BATCH;
  let n = 0;
  for (let i = 0; i < clients.length; i += per) {
    const [responses, ratings] = await Promise.all(
      scoreParts(store.db, f, 'columns', clients.slice(i, i + per)).map(
        async (q) => (await q.execute()) as Array<Record<(typeof PART_COLUMNS)[number], unknown>>,
      ),
    );
    a.fromColumns(responses!, sessions);
    b.fromColumns(ratings!, sessions);
    n += merge.batch(a, b);
  }
  return n;
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

/** The distinct keys of a stream, with each one's place in queryScores' order after client and session. */
class KeyTable {
  readonly all: StreamKey[] = [];
  /** By key id: its place among the keys seen so far; kept up to date when a sort needs it. */
  order: number[] = [];
  private stale = false;

  add(rating: boolean, rater: string, replicate: number, instrument: string, form: string, scale: string): StreamKey {
    const source = rating ? 'rater' : SELF_REPORTERS.includes(rater) ? 'self-report' : 'coder';
    const k: StreamKey = { id: this.all.length, source, rater, replicate, instrument, form, scale };
    this.all.push(k);
    this.stale = true;
    return k;
  }

  /** The order, once more keys have come (rarely after the first sessions). */
  ranks(): number[] {
    if (this.stale) {
      const sorted = [...this.all].sort(withinSession);
      this.order = new Array(this.all.length);
      sorted.forEach((k, i) => {
        this.order[k.id] = i;
      });
      this.stale = false;
    }
    return this.order;
  }
}

/**
 * One part's scores of a batch, in parallel arrays reused from batch to batch: the session object, the key object,
 * the values and the flags (prorated 1, missing 2, no score 4, no pomp 8). The values wait in typed arrays: a
 * batch's numbers held as JS numbers lived long enough to be moved to the old heap, which cost a tenth of the read.
 */
class PartRows {
  n = 0;
  session: StreamSession[] = [];
  key: StreamKey[] = [];
  score = new Float64Array(1024);
  pomp = new Float64Array(1024);
  flags = new Uint8Array(1024);
  /** SQLite's sessions by rowid. */
  sessions = new Map<unknown, StreamSession>();
  private readonly byText = new Map<string, StreamKey>();
  private lastRowid = -1;
  private lastSession: StreamSession | undefined;

  constructor(
    private readonly keys: KeyTable,
    private readonly rating: boolean,
  ) {}

  clear(): void {
    this.n = 0;
  }

  /** A score as alliance_score gets it (score-parts.ts). */
  packed(sf: number, text: string, score: number | null, pomp: number | null): void {
    const rowid = Math.floor(sf / 4);
    if (rowid !== this.lastRowid) {
      this.lastSession = this.sessionOf(rowid);
      this.lastRowid = rowid;
    }
    let key = this.byText.get(text);
    if (key === undefined) {
      const [rater, replicate, instrument, form, scale] = unpackKey(text, this.rating);
      key = this.keys.add(this.rating, rater, replicate, instrument, form, scale);
      this.byText.set(text, key);
    }
    this.put(this.lastSession!, key, score, pomp, sf - rowid * 4);
  }

  private put(session: StreamSession, key: StreamKey, score: number | null, pomp: number | null, flags: number) {
    const i = this.n++;
    if (i === this.flags.length) this.grow();
    this.session[i] = session;
    this.key[i] = key;
    this.score[i] = score ?? 0;
    this.pomp[i] = pomp ?? 0;
    this.flags[i] = flags + (score === null ? 4 : 0) + (pomp === null ? 8 : 0);
  }

  private grow(): void {
    const more = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(a.length * 2);
      b.set(a);
      return b;
    };
    this.score = more(this.score, (n) => new Float64Array(n));
    this.pomp = more(this.pomp, (n) => new Float64Array(n));
    this.flags = more(this.flags, (n) => new Uint8Array(n));
  }

  /** The score at `i`, its pomp, prorated and missing. */
  scoreAt(i: number): number | null {
    return this.flags[i]! & 4 ? null : this.score[i]!;
  }

  pompAt(i: number): number | null {
    return this.flags[i]! & 8 ? null : this.pomp[i]!;
  }

  /** A batch of kysely's row objects (PostgreSQL, or the batched path on SQLite). */
  fromColumns(
    rows: ReadonlyArray<Record<(typeof PART_COLUMNS)[number], unknown>>,
    sessions: Map<unknown, StreamSession>,
  ): void {
    this.sessions = sessions;
    this.clear();
    for (const r of rows) {
      // PostgreSQL gives the literal 0 of the responses part as text.
      const parts = [r.rater, Number(r.replicate), r.instrument, r.form, r.scale] as [
        string,
        number,
        string,
        string,
        string,
      ];
      const text = JSON.stringify(parts);
      let key = this.byText.get(text);
      if (key === undefined) {
        key = this.keys.add(this.rating, ...parts);
        this.byText.set(text, key);
      }
      const flags = (r.prorated === 1 ? 1 : 0) + (r.missing === 1 ? 2 : 0);
      this.put(this.sessionOf(r.session), key, r.score as number | null, r.pomp as number | null, flags);
    }
  }

  /**
   * The rows' indexes in session order (stable), or null when they are in it: SQLite hands them over in whatever
   * order its plan visits them (the sessions' index order, so far).
   */
  inOrder(): number[] | null {
    let sorted = true;
    for (let i = 1; i < this.n && sorted; i++) sorted = this.session[i - 1]!.rank <= this.session[i]!.rank;
    if (sorted) return null;
    const idx = Array.from({ length: this.n }, (_, i) => i);
    return idx.sort((x, y) => this.session[x]!.rank - this.session[y]!.rank || x - y);
  }

  private sessionOf(key: unknown): StreamSession {
    const s = this.sessions.get(key);
    if (!s) throw new Error(`a score's session (${String(key)}) is not in the store`);
    return s;
  }
}

/**
 * Walks both parts of a batch session by session, sorting each session's scores into queryScores' order before
 * handing them on. A session's scores wait in arrays reused throughout.
 */
class SessionMerge {
  /** A session's scores: the part and the place in it of each. */
  private readonly gRows: PartRows[] = [];
  private readonly gAt: number[] = [];
  private readonly gKey: StreamKey[] = [];
  private readonly idx: number[] = [];

  constructor(
    private readonly keys: KeyTable,
    private readonly visit: ScoreVisitor,
  ) {}

  batch(a: PartRows, b: PartRows): number {
    const ia = a.inOrder();
    const ib = b.inOrder();
    let i = 0;
    let j = 0;
    const at = (idx: number[] | null, i: number) => (idx ? idx[i]! : i);
    while (i < a.n || j < b.n) {
      const sa = i < a.n ? a.session[at(ia, i)]! : undefined;
      const sb = j < b.n ? b.session[at(ib, j)]! : undefined;
      const s = sb === undefined || (sa !== undefined && sa.rank <= sb.rank) ? sa! : sb;
      let m = 0;
      for (; i < a.n && a.session[at(ia, i)] === s; i++) this.hold(m++, a, at(ia, i));
      for (; j < b.n && b.session[at(ib, j)] === s; j++) this.hold(m++, b, at(ib, j));
      this.emit(s, m);
    }
    return a.n + b.n;
  }

  private hold(i: number, rows: PartRows, at: number): void {
    this.gRows[i] = rows;
    this.gAt[i] = at;
    this.gKey[i] = rows.key[at]!;
  }

  private emit(s: StreamSession, m: number): void {
    const order = this.keys.ranks();
    const { gKey, idx } = this;
    // Insertion sort, stable: a session's scores come nearly sorted (by instrument and form), and are few.
    for (let i = 0; i < m; i++) {
      const rank = order[gKey[i]!.id]!;
      let j = i;
      while (j > 0 && order[gKey[idx[j - 1]!]!.id]! > rank) {
        idx[j] = idx[j - 1]!;
        j--;
      }
      idx[j] = i;
    }
    for (let i = 0; i < m; i++) {
      const g = idx[i]!;
      const rows = this.gRows[g]!;
      const at = this.gAt[g]!;
      const flags = rows.flags[at]!;
      this.visit(s, gKey[g]!, rows.scoreAt(at), rows.pompAt(at), (flags & 1) === 1, (flags & 2) === 2);
    }
  }
}

/** Each session's place in client (byte-wise) and session order; the sessions in that order. */
function rankSessions(sessions: Map<unknown, StreamSession>): StreamSession[] {
  const all = [...sessions.values()];
  const bytes = new Map(all.map((s) => [s.client, Buffer.from(s.client)]));
  all.sort((x, y) => Buffer.compare(bytes.get(x.client)!, bytes.get(y.client)!) || x.session - y.session);
  all.forEach((s, i) => {
    s.rank = i;
  });
  return all;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** queryScores' order after client and session. */
function withinSession(a: StreamKey, b: StreamKey): number {
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
