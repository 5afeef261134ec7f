import type { Kysely } from 'kysely';

/**
 * The key that re-keys client and therapist ids in a de-identified dataset export. One row per purpose
 * ("dataset"): the first export creates it, every later one reads it, so pseudonyms are stable across exports of
 * a study, and nobody holding only the exported files can reverse them. It never leaves the store.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('export_secrets')
    .addColumn('purpose', 'text', (c) => c.primaryKey())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('export_secrets').execute();
}
