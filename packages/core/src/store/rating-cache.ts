import type { Kysely, Selectable } from 'kysely';
import { RatingOutcome, type RatingIdentity } from '../schemas/rating';
import type { CacheRow, Database } from './database';
import { cacheRowSqlite } from './ratings-sqlite';
import type { Study } from './study';

/** A cached provider answer with the key parts it was stored under. */
export interface CacheEntry extends RatingOutcome {
  key: string;
  transcriptHash: string;
  createdAt: string;
}

/** The stored answer for a cache key, if any request under that key ever finished. */
export async function cachedOutcome(
  study: Pick<Study, 'db' | 'sqlite'>,
  key: string,
): Promise<RatingOutcome | undefined> {
  // A run looks up every rating's key; on SQLite outside a transaction, a statement prepared once answers it.
  const row =
    study.sqlite && !study.sqlite.inTransaction
      ? cacheRowSqlite(study.sqlite, key)
      : await study.db.selectFrom('rating_cache').selectAll().where('key', '=', key).executeTakeFirst();
  return row ? cacheRowOutcome(row) : undefined;
}

/** Every cache entry, by key: for reports and tests, not for runs (which look keys up one by one). */
export async function cacheEntries(db: Kysely<Database>): Promise<CacheEntry[]> {
  const rows = await db.selectFrom('rating_cache').selectAll().orderBy('key').execute();
  return rows.map((r) => ({
    ...cacheRowOutcome(r),
    key: r.key,
    transcriptHash: r.transcript_hash,
    createdAt: r.created_at,
  }));
}

/** The cache row of an answer just received; written only by storeRating, in the rating's transaction. */
export function cacheRow(id: RatingIdentity, outcome: RatingOutcome, at: string): CacheRow {
  return {
    key: id.cacheKey,
    provider: id.provider,
    model: id.model,
    prompt_version: id.promptVersion,
    prompt_hash: id.promptHash,
    transcript_hash: id.transcriptHash,
    replicate: id.replicate,
    status: outcome.status,
    output: JSON.stringify(outcome.output ?? null),
    failure: outcome.failure ? JSON.stringify(outcome.failure) : null,
    input_tokens: outcome.usage.inputTokens,
    output_tokens: outcome.usage.outputTokens,
    cached_tokens: outcome.usage.cachedTokens,
    cost_usd: outcome.usage.costUsd,
    latency_ms: outcome.usage.latencyMs,
    requests: outcome.requests,
    created_at: at,
  };
}

/** The outcome a cache row holds, parsed through its schema. */
export function cacheRowOutcome(row: Selectable<CacheRow>): RatingOutcome {
  return RatingOutcome.parse({
    status: row.status,
    output: JSON.parse(row.output),
    failure: row.failure === null ? null : JSON.parse(row.failure),
    usage: {
      inputTokens: row.input_tokens,
      outputTokens: row.output_tokens,
      cachedTokens: row.cached_tokens,
      costUsd: row.cost_usd,
      latencyMs: row.latency_ms,
    },
    requests: row.requests,
  });
}
