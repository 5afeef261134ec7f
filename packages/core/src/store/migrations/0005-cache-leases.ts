import type { Kysely } from 'kysely';

/**
 * Leases on rating-cache keys: a run claims a key before it asks a provider for it, so two runs sharing a study
 * ask once and the second waits for the first's answer. A row lives while its holder asks; a holder that dies
 * leaves a row that expires (expires_at, ISO 8601 UTC, so text order is time order on both dialects).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rating_cache_leases')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rating_cache_leases').execute();
}
