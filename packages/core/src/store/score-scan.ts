import type BetterSqlite3 from 'better-sqlite3';
import type { ScoreFilter } from '../schemas/score';
import { keyOf, Sources } from './score-sources';
import { SELF_REPORTERS } from './scores';
import { type KeyTable, rankSessions, ScoreBatch, type StreamSession } from './score-batches';

/**
 * The SQLite read of the score stream: the scores table scanned once in rowid order, each score handed to a
 * registered function with its source id and key texts as the row holds them, the joins to responses, ratings and
 * sessions done in JS from maps read first. Driving the read from the sessions and responses instead (SQLite's
 * natural plan) costs a search of the scores' primary key per response and of the table per score, which at a
 * million scores cost three times the scan itself; a text built in SQL per score (the key, for one argument) cost
 * as much again. Consecutive scores share their source, so its lookup is done when the source id changes.
 *
 * The scan gives the scores in the order they were written, so a pass's scores are held (in typed arrays, 25
 * bytes a score) and sorted by session rank and key rank, two stable counting sorts, before they are handed on.
 * A store too large for one pass to hold is read in several, each keeping a range of sessions.
 */

/** Scores a pass holds at most, roughly: a pass keeps the sessions its share of the scores come from. */
const PASS_SCORES = 2_000_000;

// A response's and a rating's, apart: the constants a shared function took were two more arguments to convert a row.
const RESPONSE_FUNCTION = 'alliance_score_response';
const RATING_FUNCTION = 'alliance_score_rating';
const SCORE_FUNCTION = 'alliance_score';

/** What the registered functions hand their rows to, on whichever connection runs them. */
let receiving:
  | { source(rating: number, id: string, session: string, rater: string, replicate: number): void }
  | undefined;
/** `tagged`: the scale's number × 8 + rating 4 + missing 2 + prorated 1 (one argument a row fewer to convert). */
type ScoreFn = (id: string, tagged: number, score: number | null, pomp: number | null) => 1 | null;
const notScanning: ScoreFn = () => {
  throw new Error('the score functions are called only by the score stream');
};
/** The current pass's function body, called straight from the registered function (it runs a million times). */
let scoreTo: ScoreFn = notScanning;
const registered = new WeakSet<BetterSqlite3.Database>();

function register(sqlite: BetterSqlite3.Database): void {
  if (registered.has(sqlite)) return;
  const opts = { deterministic: false, directOnly: true };
  const who = () => {
    if (!receiving) throw new Error('the score functions are called only by the score stream');
    return receiving;
  };
  sqlite.function(RESPONSE_FUNCTION, opts, (id, session, respondent) => {
    who().source(0, id as string, session as string, respondent as string, 0);
    return 1;
  });
  sqlite.function(RATING_FUNCTION, opts, (id, session, rater, replicate) => {
    who().source(1, id as string, session as string, rater as string, replicate as number);
    return 1;
  });
  sqlite.function(SCORE_FUNCTION, opts, (id, tagged, score, pomp) =>
    scoreTo(id as string, tagged as number, score as number | null, pomp as number | null),
  );
  registered.add(sqlite);
}

/**
 * Every score the filter keeps, in queryScores' order, handed to `onBatch` a pass at a time (a pass ends with a
 * whole session). Every statement runs inside one read transaction, held by a statement left stepping (SQLite
 * keeps one while any statement of the connection is active), so the read is one snapshot of the store.
 */
export function scanScoresSqlite(
  sqlite: BetterSqlite3.Database,
  f: ScoreFilter,
  keys: KeyTable,
  onBatch: (batch: ScoreBatch) => void,
  sessionsPerPass?: number,
): number {
  register(sqlite);
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of [
    ['instrument', f.instrument],
    ['form', f.form],
    ['scale', f.scale],
  ] as const)
    if (value !== undefined) {
      where.push(`sc.${column} = ?`);
      params.push(value);
    }
  const sources = f.sources?.length ? f.sources : undefined;
  const withRatings = !sources || sources.includes('rater');
  const withResponses = !sources || sources.includes('self-report') || sources.includes('coder');
  // Both sources wanted: no test of the source at all, as the table holds no other (its writers write only these
  // two); two text comparisons a row cost 5–15% of the scan in a microbenchmark.
  if (!(withRatings && withResponses)) where.push(withRatings ? `sc.source = 'rating'` : `sc.source = 'response'`);
  // Prepared before the snapshot is taken, as a statement's preparation may read the schema.
  const statements = {
    sessions: sqlite.prepare('select id, client_id, therapist_id, session_index, date from sessions').raw(true),
    responses: sqlite
      .prepare(`select count(${RESPONSE_FUNCTION}(r.id, r.session_id, r.respondent)) from responses r`)
      .pluck(true),
    ratings: sqlite
      .prepare(
        `select count(${RATING_FUNCTION}(g.id, g.session_id, g.rater, g.replicate)) from ratings g` +
          ` cross join transcripts t where t.id = g.transcript_id and t.is_current = 1 and g.status = 'ok'`,
      )
      .pluck(true),
    scores: sqlite
      .prepare(
        `select count(${SCORE_FUNCTION}(sc.source_id, ifnull(sc.scale_id, -1) * 8 + (sc.source = 'rating') * 4 +` +
          ` 2 * (sc.missing = 1) + (sc.prorated = 1), sc.score, sc.pomp)) from scores sc not indexed` +
          (where.length > 0 ? ` where ${where.join(' and ')}` : ''),
      )
      .pluck(true),
    // Row counts roughly, from the largest rowid (no scan), to size the arrays that hold them.
    estimate: sqlite.prepare('select max(rowid) from scores').pluck(true),
    scales: sqlite.prepare('select id, instrument, form, scale from score_scales').raw(true),
    responseCount: sqlite.prepare('select max(rowid) from responses').pluck(true),
    ratingCount: sqlite.prepare('select max(rowid) from ratings').pluck(true),
  };
  const snapshot = sqlite.prepare('select 1 from sessions').raw(true).iterate();
  try {
    snapshot.next();
    const sessions = keptSessions(statements.sessions.all() as SessionTuple[], f);
    const ranked = rankSessions(sessions);
    const rankOf = new Map(ranked.map((s) => [s.session_id, s.rank]));
    const sources = readSources(statements, f, rankOf, withResponses, withRatings);
    if (sources.size === 0) return 0;

    const scales: Array<[string, string, string] | undefined> = [];
    for (const [id, ...texts] of statements.scales.all() as Array<[number, string, string, string]>) scales[id] = texts;
    const batch = new ScoreBatch(ranked, keys.all);
    const estimate = Number(statements.estimate.get() ?? 0);
    const perPass = sessionsPerPass ?? Math.max(1, Math.floor((PASS_SCORES * ranked.length) / Math.max(estimate, 1)));
    let n = 0;
    for (let lo = 0; lo < ranked.length; lo += perPass) {
      const hi = Math.min(lo + perPass, ranked.length);
      batch.n = 0;
      // Room for the pass's share of the scores, so the arrays are not grown (and copied) as it goes.
      batch.reserve(Math.ceil((estimate * (hi - lo)) / ranked.length) + 1024);
      scoreTo = scoreReceiver(sources, scales, keys, batch, lo, hi);
      try {
        const got = statements.scores.get(...params) as number;
        if (got !== batch.n) throw new Error(`the score stream counted ${got} scores and was given ${batch.n}`);
      } finally {
        scoreTo = notScanning;
      }
      if (batch.n === 0) continue;
      sortBatch(batch, keys.ranks(), lo, hi);
      n += batch.n;
      onBatch(batch);
    }
    return n;
  } finally {
    snapshot.return?.();
  }
}

/** id, client, therapist, session number, date */
type SessionTuple = [string, string, string, number, string | null];

function keptSessions(rows: SessionTuple[], f: ScoreFilter): Map<unknown, StreamSession> {
  const clients = f.clients?.length ? new Set(f.clients) : undefined;
  const therapists = f.therapists?.length ? new Set(f.therapists) : undefined;
  const from = f.sessions?.from ?? -Infinity;
  const to = f.sessions?.to ?? Infinity;
  const kept = new Map<unknown, StreamSession>();
  for (const [id, client, therapist, session, date] of rows)
    if (
      (!clients || clients.has(client)) &&
      (!therapists || therapists.has(therapist)) &&
      session >= from &&
      session <= to
    )
      kept.set(id, { session_id: id, client, therapist, session, date, rank: 0 });
  return kept;
}

/** The responses and ok ratings of current transcripts the filter keeps, each with its session's rank. */
function readSources(
  statements: Record<'responses' | 'ratings' | 'responseCount' | 'ratingCount', BetterSqlite3.Statement>,
  f: ScoreFilter,
  rankOf: Map<string, number>,
  withResponses: boolean,
  withRatings: boolean,
): Sources {
  const sources = f.sources?.length ? f.sources : undefined;
  const raters = f.raters?.length ? new Set(f.raters) : undefined;
  const self = !sources || sources.includes('self-report');
  const coder = !sources || sources.includes('coder');
  const count = (st: BetterSqlite3.Statement) => Math.min(Number(st.get() ?? 0), 1 << 24);
  const out = new Sources(
    withResponses ? count(statements.responseCount) : 0,
    withRatings ? count(statements.ratingCount) : 0,
  );
  let lastSession: string | undefined;
  let rank = -1;
  const read = (statement: BetterSqlite3.Statement) => {
    receiving = {
      source(rating, id, session, rater, replicate) {
        // A session's responses come together.
        if (session !== lastSession) {
          lastSession = session;
          rank = rankOf.get(session) ?? -1;
        }
        if (rank < 0 || (raters && !raters.has(rater))) return;
        if (rating || (SELF_REPORTERS.includes(rater) ? self : coder))
          out.add(rating === 1, id, rank, rater, replicate);
      },
    };
    try {
      statement.get();
    } finally {
      receiving = undefined;
    }
  };
  if (withResponses) read(statements.responses);
  if (withRatings) read(statements.ratings);
  return out;
}

/**
 * The scan's function body for one pass: sessions ranked lo (included) to hi (excluded). A score's key is found
 * by its giver and its scale's number (score-scales.ts), an array lookup; the scale's texts are read only the
 * first time a giver's scale comes. Finding each key by its texts cost a third of the scan.
 */
function scoreReceiver(
  sources: Sources,
  scales: ReadonlyArray<readonly [string, string, string] | undefined>,
  keys: KeyTable,
  batch: ScoreBatch,
  lo: number,
  hi: number,
): ScoreFn {
  const { responses, ratings, whos } = sources;
  /** By giver, by scale number: the key id (-1: not seen yet). */
  const byWho: Int32Array[] = [];
  let lastId: string | undefined;
  let lastRating = -1;
  let rank = -1;
  let who = -1;
  let keyOfScale: Int32Array = new Int32Array(0);
  return (id, tagged, score, pomp) => {
    const rating = tagged & 4;
    const scale = tagged >> 3;
    if (id !== lastId || rating !== lastRating) {
      lastId = id;
      lastRating = rating;
      const table = rating ? ratings : responses;
      const i = table.ids.get(id);
      rank = i < 0 ? -1 : table.rank[i]!;
      who = i < 0 ? -1 : table.who[i]!;
      if (who >= 0) keyOfScale = byWho[who] ??= new Int32Array(scales.length).fill(-1);
    }
    if (rank < lo || rank >= hi) return null;
    let key = keyOfScale[scale] ?? -1;
    if (key < 0) {
      const texts = scales[scale];
      if (texts === undefined)
        throw new Error(`a score of ${rating ? 'rating' : 'response'} ${id} has no scale number in score_scales`);
      key = keyOfScale[scale] = keyOf(whos[who]!, keys, ...texts);
    }
    batch.push(rank, key, score, pomp, tagged & 3);
    return 1;
  };
}

/**
 * The batch's scores put in order in place, by session rank (lo to hi) and, within a session, key rank; both sorts
 * stable. In place, so a pass holds its scores once.
 */
function sortBatch(batch: ScoreBatch, keyRank: readonly number[], lo: number, hi: number): void {
  const n = batch.n;
  const byKey = countingOrder(n, keyRank.length, (i) => keyRank[batch.key[i]!]!, null);
  const order = countingOrder(n, hi - lo, (i) => batch.session[i]! - lo, byKey);
  const { session, key, score, pomp, flags } = batch;
  // Each cycle of the permutation moved along once; a done place is marked by a negative entry.
  for (let start = 0; start < n; start++) {
    if (order[start]! < 0) continue;
    const s0 = session[start]!;
    const k0 = key[start]!;
    const v0 = score[start]!;
    const p0 = pomp[start]!;
    const f0 = flags[start]!;
    let at = start;
    for (;;) {
      const from = order[at]!;
      order[at] = -1;
      if (from === start) {
        session[at] = s0;
        key[at] = k0;
        score[at] = v0;
        pomp[at] = p0;
        flags[at] = f0;
        break;
      }
      session[at] = session[from]!;
      key[at] = key[from]!;
      score[at] = score[from]!;
      pomp[at] = pomp[from]!;
      flags[at] = flags[from]!;
      at = from;
    }
  }
}

/** The indexes 0…n-1 (or those of `within`, in its order) stably sorted by `bucket`, which is below `buckets`. */
function countingOrder(
  n: number,
  buckets: number,
  bucket: (i: number) => number,
  within: Int32Array | null,
): Int32Array {
  const start = new Int32Array(buckets + 1);
  for (let i = 0; i < n; i++) start[bucket(i) + 1]!++;
  for (let b = 0; b < buckets; b++) start[b + 1]! += start[b]!;
  const order = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const i = within ? within[j]! : j;
    order[start[bucket(i)]!++] = i;
  }
  return order;
}
