import type { ScoreRow } from '../schemas/score';
import type { PART_COLUMNS } from './score-parts';
import { SELF_REPORTERS } from './scores';

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

/** The distinct keys of a stream, with each one's place in queryScores' order after client and session. */
export class KeyTable {
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
 * Scores in queryScores' order as parallel typed arrays, with no object per score: `session` is the session's
 * rank (its place in `sessions`), `key` the key's id (its place in `keys`), `flags` prorated 1, missing 2, no
 * score 4, no pomp 8 (the value is then 0). What a million-row writer loops over; the arrays are the batch's own
 * until the next batch is handed over, and hold `n` scores (they may be longer).
 */
export class ScoreBatch {
  n = 0;
  session = new Int32Array(1024);
  key = new Int32Array(1024);
  score = new Float64Array(1024);
  pomp = new Float64Array(1024);
  flags = new Uint8Array(1024);

  constructor(
    /** Every session of the stream, by rank. */
    readonly sessions: readonly StreamSession[],
    /** Every key seen so far, by id. */
    readonly keys: readonly StreamKey[],
  ) {}

  push(rank: number, key: number, score: number | null, pomp: number | null, flags: number): void {
    const i = this.n++;
    if (i === this.flags.length) this.reserve(i * 2);
    this.session[i] = rank;
    this.key[i] = key;
    this.score[i] = score ?? 0;
    this.pomp[i] = pomp ?? 0;
    this.flags[i] = flags + (score === null ? 4 : 0) + (pomp === null ? 8 : 0);
  }

  scoreAt(i: number): number | null {
    return this.flags[i]! & 4 ? null : this.score[i]!;
  }

  pompAt(i: number): number | null {
    return this.flags[i]! & 8 ? null : this.pomp[i]!;
  }

  /** Room for `size` scores, keeping the first n. */
  reserve(size: number): void {
    if (size <= this.flags.length) return;
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T, b: T): T => {
      b.set(a.subarray(0, this.n));
      return b;
    };
    this.session = grow(this.session, new Int32Array(size));
    this.key = grow(this.key, new Int32Array(size));
    this.score = grow(this.score, new Float64Array(size));
    this.pomp = grow(this.pomp, new Float64Array(size));
    this.flags = grow(this.flags, new Uint8Array(size));
  }

  /** Hands each score to a visitor, as forEachScoreOf gives them. */
  visitEach(visit: ScoreVisitor): void {
    const { sessions, keys, flags } = this;
    for (let i = 0; i < this.n; i++) {
      const f = flags[i]!;
      visit(
        sessions[this.session[i]!]!,
        keys[this.key[i]!]!,
        this.scoreAt(i),
        this.pompAt(i),
        (f & 1) === 1,
        (f & 2) === 2,
      );
    }
  }
}

/**
 * One part's scores of a batch, in parallel arrays reused from batch to batch: the session object, the key object,
 * the values and the flags (prorated 1, missing 2, no score 4, no pomp 8). The values wait in typed arrays: a
 * batch's numbers held as JS numbers lived long enough to be moved to the old heap, which cost a tenth of the read.
 */
export class PartRows {
  n = 0;
  session: StreamSession[] = [];
  key: StreamKey[] = [];
  score = new Float64Array(1024);
  pomp = new Float64Array(1024);
  flags = new Uint8Array(1024);
  private readonly byText = new Map<string, StreamKey>();

  constructor(
    private readonly keys: KeyTable,
    private readonly rating: boolean,
  ) {}

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
    this.n = 0;
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
      this.put(sessionOf(sessions, r.session), key, r.score as number | null, r.pomp as number | null, flags);
    }
  }

  /**
   * The rows' indexes in session order (stable), or null when they are in it: the store hands them over in
   * whatever order its plan visits them.
   */
  inOrder(): number[] | null {
    let sorted = true;
    for (let i = 1; i < this.n && sorted; i++) sorted = this.session[i - 1]!.rank <= this.session[i]!.rank;
    if (sorted) return null;
    const idx = Array.from({ length: this.n }, (_, i) => i);
    return idx.sort((x, y) => this.session[x]!.rank - this.session[y]!.rank || x - y);
  }
}

function sessionOf(sessions: Map<unknown, StreamSession>, key: unknown): StreamSession {
  const s = sessions.get(key);
  if (!s) throw new Error(`a score's session (${String(key)}) is not in the store`);
  return s;
}

/**
 * Walks both parts of a batch session by session, sorting each session's scores into queryScores' order before
 * handing them on. A session's scores wait in arrays reused throughout.
 */
export class SessionMerge {
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
export function rankSessions(sessions: Map<unknown, StreamSession>): StreamSession[] {
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
