import type { Kysely } from 'kysely';
import { realType } from './dialect';

/**
 * The content-addressed rating cache. A row is one rater call's outcome (after the repair round, if any),
 * keyed by everything that changes the answer: provider, model, params, prompt hash, transcript hash, forms,
 * replicate. Ratings point at it through ratings.cache_key; keeping the full answer here (rationales and item
 * evidence included) is what lets `replay` reproduce a published run without keys or network.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const real = realType(db);
  await db.schema
    .createTable('rating_cache')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('prompt_version', 'text', (c) => c.notNull())
    .addColumn('prompt_hash', 'text', (c) => c.notNull())
    .addColumn('transcript_hash', 'text', (c) => c.notNull())
    .addColumn('replicate', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('output', 'text', (c) => c.notNull())
    .addColumn('failure', 'text')
    .addColumn('input_tokens', 'integer', (c) => c.notNull())
    .addColumn('output_tokens', 'integer', (c) => c.notNull())
    .addColumn('cached_tokens', 'integer', (c) => c.notNull())
    .addColumn('cost_usd', real, (c) => c.notNull())
    .addColumn('latency_ms', real, (c) => c.notNull())
    .addColumn('requests', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ratings_by_cache_key').on('ratings').column('cache_key').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('ratings_by_cache_key').execute();
  await db.schema.dropTable('rating_cache').execute();
}
