import type BetterSqlite3 from 'better-sqlite3';
import { CACHE_COLUMNS, type CacheRow, type Database, RATING_COLUMNS, type RatingRow } from './database';
import { type ScoreInsert, sqliteScoreInserter } from './score-scales';
import { writeSqlite } from './write-lock';

/** One rating's rows, built once by storeRating and written by whichever path suits the connection. */
export interface RatingRows {
  row: RatingRow;
  cache: CacheRow | null;
  scores: ScoreInsert[];
  /** The audit row, given the rating row it replaces (undefined for a new rating). */
  audit: (before: RatingRow | undefined) => Omit<Database['audit'], 'id'>;
}

const RATING = Object.keys(RATING_COLUMNS) as Array<keyof RatingRow>;
const CACHE = Object.keys(CACHE_COLUMNS) as Array<keyof CacheRow>;
const AUDIT = ['at', 'actor', 'entity', 'entity_id', 'action', 'before', 'after'] as const;

type Write = (w: RatingRows) => void;
const writers = new WeakMap<BetterSqlite3.Database, Write>();

/**
 * The SQLite fast path of storeRating: the same rows through statements prepared once per connection, in one
 * write transaction (writeSqlite: the write lock taken up front). The rate-run benchmark (zero-latency server)
 * showed kysely's per-rating transaction, with its awaits holding the one connection, at a fraction of the raw
 * path's ratings per second. False when a kysely transaction of this process took the connection meanwhile.
 */
export function writeRatingSqlite(sqlite: BetterSqlite3.Database, w: RatingRows): Promise<boolean> {
  let write = writers.get(sqlite);
  if (!write) writers.set(sqlite, (write = prepare(sqlite)));
  const run = write;
  return writeSqlite(sqlite, () => run(w));
}

function prepare(sqlite: BetterSqlite3.Database): Write {
  const marks = (n: number) => Array(n).fill('?').join(', ');
  const putCache = sqlite.prepare(
    `insert into rating_cache (${CACHE.join(', ')}) values (${marks(CACHE.length)}) ` +
      `on conflict (key) do update set ${CACHE.filter((c) => c !== 'key')
        .map((c) => `${c} = excluded.${c}`)
        .join(', ')}`,
  );
  const before = sqlite.prepare('select * from ratings where id = ?');
  const dropScores = sqlite.prepare("delete from scores where source = 'rating' and source_id = ?");
  const update = sqlite.prepare(
    `update ratings set ${RATING.filter((c) => c !== 'id')
      .map((c) => `${c} = ?`)
      .join(', ')} where id = ?`,
  );
  const insert = sqlite.prepare(`insert into ratings (${RATING.join(', ')}) values (${marks(RATING.length)})`);
  const score = sqliteScoreInserter(sqlite);
  const audit = sqlite.prepare(`insert into audit (${AUDIT.join(', ')}) values (${marks(AUDIT.length)})`);
  return (w: RatingRows) => {
    if (w.cache) putCache.run(CACHE.map((c) => w.cache![c]));
    const prior = before.get(w.row.id) as RatingRow | undefined;
    dropScores.run(w.row.id);
    if (prior) update.run([...RATING.filter((c) => c !== 'id').map((c) => w.row[c]), w.row.id]);
    else insert.run(RATING.map((c) => w.row[c]));
    for (const s of w.scores) score(s);
    const a = w.audit(prior);
    audit.run(AUDIT.map((c) => a[c]));
  };
}

const lookups = new WeakMap<BetterSqlite3.Database, BetterSqlite3.Statement>();

/** The SQLite fast path of the cache lookup, which a run makes once per rating. */
export function cacheRowSqlite(sqlite: BetterSqlite3.Database, key: string): CacheRow | undefined {
  let st = lookups.get(sqlite);
  if (!st) lookups.set(sqlite, (st = sqlite.prepare('select * from rating_cache where key = ?')));
  return st.get(key) as CacheRow | undefined;
}
