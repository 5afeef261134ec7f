import type { Kysely, Selectable } from 'kysely';
import { type RatingIdentity, type RatingOutcome, StoredRating } from '../schemas/rating';
import type { Score } from '../schemas/score';
import { nowIso } from '../util/time';
import { auditRow } from './audit';
import type { Database, RatingRow } from './database';
import { cacheRow } from './rating-cache';
import { type RatingRows, writeRatingSqlite } from './ratings-sqlite';
import { insertScores } from './score-scales';
import { scoreRows } from './scores';
import { writeTransaction } from './write-lock';
import type { Study } from './study';

/** The stored rating id: readable and stable, so a re-rating replaces the same row. */
export function ratingId(rater: string, transcriptId: string, replicate: number): string {
  return `${rater}/${transcriptId}/r${replicate}`;
}

/** Everything one rating writes: who asked what, the outcome, what it says, and its scale scores. */
export interface RatingWrite {
  identity: RatingIdentity;
  outcome: RatingOutcome;
  /** Item values per form (empty when failed). */
  forms: StoredRating['forms'];
  signals: unknown[];
  ruptures: unknown[];
  /** Scale scores of the forms (empty when failed: a failed rating is never scored). */
  scores: Score[];
  /** The outcome came from the rating cache, so the cache entry is not written again. */
  fromCache: boolean;
}

/**
 * The one write path of ratings (on SQLite outside a transaction, the same rows through prepared statements:
 * see ratings-sqlite.ts). In one transaction: the cache entry (unless the outcome came from it; a
 * re-asked key replaces it), the rating row (new, or replacing this rater's earlier rating of the same transcript
 * and replicate), its scores, and an audit row. The audit row carries the values and counts, not the quotes:
 * transcript text stays out of the audit table.
 */
export async function storeRating(study: Pick<Study, 'db' | 'actor' | 'sqlite'>, w: RatingWrite): Promise<string> {
  const at = nowIso();
  const row = ratingRow(w, at);
  const rows: RatingRows = {
    row,
    cache: w.fromCache ? null : cacheRow(w.identity, w.outcome, at),
    scores: scoreRows({ kind: 'rating', id: row.id }, w.scores),
    audit: (before) =>
      auditRow({
        actor: study.actor,
        entity: 'rating',
        entityId: row.id,
        action: before ? 'update' : 'insert',
        before: before ? auditView(before) : null,
        after: auditView(row),
        at,
      }),
  };
  // The raw handle is kysely's own connection; while a kysely transaction holds it (between its awaits), writing
  // through it would join that transaction, so then the rating goes through kysely: in the caller's transaction
  // when given one, else waiting its turn.
  if (!(study.sqlite && !study.sqlite.inTransaction && (await writeRatingSqlite(study.sqlite, rows))))
    await writeRatingKysely(study.db, rows);
  return row.id;
}

async function writeRatingKysely(db: Kysely<Database>, w: RatingRows): Promise<void> {
  const { row, cache } = w;
  // Inside a caller's transaction the rating joins it; otherwise it is its own.
  await writeTransaction(db, async (trx) => {
    if (cache)
      await trx
        .insertInto('rating_cache')
        .values(cache)
        .onConflict((oc) => oc.column('key').doUpdateSet(cache))
        .execute();
    const before = await trx.selectFrom('ratings').selectAll().where('id', '=', row.id).executeTakeFirst();
    if (before) await trx.updateTable('ratings').set(row).where('id', '=', row.id).execute();
    else await trx.insertInto('ratings').values(row).execute();
    await trx.deleteFrom('scores').where('source', '=', 'rating').where('source_id', '=', row.id).execute();
    await insertScores(trx, w.scores);
    await trx.insertInto('audit').values(w.audit(before)).execute();
  });
}

function ratingRow(w: RatingWrite, at: string): RatingRow {
  const { identity: id, outcome } = w;
  return {
    id: ratingId(id.rater, id.transcriptId, id.replicate),
    session_id: id.sessionId,
    transcript_id: id.transcriptId,
    rater: id.rater,
    provider: id.provider,
    model: id.model,
    prompt_version: id.promptVersion,
    prompt_hash: id.promptHash,
    params: JSON.stringify(id.params),
    replicate: id.replicate,
    status: outcome.status,
    forms: JSON.stringify(w.forms),
    signals: JSON.stringify(w.signals),
    ruptures: JSON.stringify(w.ruptures),
    failure: outcome.failure ? JSON.stringify(outcome.failure) : null,
    input_tokens: outcome.usage.inputTokens,
    output_tokens: outcome.usage.outputTokens,
    cached_tokens: outcome.usage.cachedTokens,
    cost_usd: outcome.usage.costUsd,
    latency_ms: outcome.usage.latencyMs,
    cache_key: id.cacheKey,
    created_at: at,
  };
}

function auditView(r: RatingRow) {
  return {
    rater: r.rater,
    provider: r.provider,
    model: r.model,
    promptVersion: r.prompt_version,
    promptHash: r.prompt_hash,
    transcriptId: r.transcript_id,
    replicate: r.replicate,
    status: r.status,
    cacheKey: r.cache_key,
    forms: JSON.parse(r.forms) as StoredRating['forms'],
    signals: (JSON.parse(r.signals) as unknown[]).length,
    ruptures: (JSON.parse(r.ruptures) as unknown[]).length,
    failures: r.failure === null ? 0 : (JSON.parse(r.failure) as unknown[]).length,
    costUsd: r.cost_usd,
  };
}

/** Which ratings a read wants; absent parts keep everything. */
export interface RatingQuery {
  rater?: string;
  sessionId?: string;
  transcriptId?: string;
  replicate?: number;
}

/** Stored ratings, parsed through their schema, in id order. */
export async function listRatings(db: Kysely<Database>, q: RatingQuery = {}): Promise<StoredRating[]> {
  let query = db.selectFrom('ratings').selectAll().orderBy('id');
  if (q.rater !== undefined) query = query.where('rater', '=', q.rater);
  if (q.sessionId !== undefined) query = query.where('session_id', '=', q.sessionId);
  if (q.transcriptId !== undefined) query = query.where('transcript_id', '=', q.transcriptId);
  if (q.replicate !== undefined) query = query.where('replicate', '=', q.replicate);
  return (await query.execute()).map(parseRating);
}

/** A rater's most recently stored rating, if it has any. */
export async function latestRating(db: Kysely<Database>, rater: string): Promise<StoredRating | undefined> {
  const row = await db
    .selectFrom('ratings')
    .selectAll()
    .where('rater', '=', rater)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? parseRating(row) : undefined;
}

/** What a run needs to know of a rater's stored ratings to skip what is done: one entry per transcript and replicate. */
export interface RatingKey {
  id: string;
  transcriptId: string;
  replicate: number;
  cacheKey: string;
  status: StoredRating['status'];
}

export async function ratingKeys(db: Kysely<Database>, rater: string): Promise<RatingKey[]> {
  const rows = await db
    .selectFrom('ratings')
    .select(['id', 'transcript_id', 'replicate', 'cache_key', 'status'])
    .where('rater', '=', rater)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    transcriptId: r.transcript_id,
    replicate: r.replicate,
    cacheKey: r.cache_key,
    status: StoredRating.shape.status.parse(r.status),
  }));
}

/**
 * The cached answer a rater's stored rating was given, with the hash of the transcript text it was given on
 * (a replay checks it is shown the same text).
 */
export async function storedAnswer(
  db: Kysely<Database>,
  q: { rater: string; transcriptId: string; replicate: number },
): Promise<{ output: unknown; transcriptHash: string } | undefined> {
  const row = await db
    .selectFrom('ratings')
    .innerJoin('rating_cache', 'rating_cache.key', 'ratings.cache_key')
    .select(['rating_cache.output', 'rating_cache.transcript_hash'])
    .where('ratings.rater', '=', q.rater)
    .where('ratings.transcript_id', '=', q.transcriptId)
    .where('ratings.replicate', '=', q.replicate)
    .executeTakeFirst();
  return row ? { output: JSON.parse(row.output), transcriptHash: row.transcript_hash } : undefined;
}

function parseRating(r: Selectable<RatingRow>): StoredRating {
  return StoredRating.parse({
    id: r.id,
    sessionId: r.session_id,
    transcriptId: r.transcript_id,
    rater: r.rater,
    provider: r.provider,
    model: r.model,
    promptVersion: r.prompt_version,
    promptHash: r.prompt_hash,
    params: JSON.parse(r.params),
    replicate: r.replicate,
    status: r.status,
    forms: JSON.parse(r.forms),
    signals: JSON.parse(r.signals),
    ruptures: JSON.parse(r.ruptures),
    ...(r.failure === null ? {} : { failure: JSON.parse(r.failure) }),
    usage: {
      inputTokens: r.input_tokens,
      outputTokens: r.output_tokens,
      cachedTokens: r.cached_tokens,
      costUsd: r.cost_usd,
      latencyMs: r.latency_ms,
    },
    cacheKey: r.cache_key,
    createdAt: r.created_at,
  });
}
