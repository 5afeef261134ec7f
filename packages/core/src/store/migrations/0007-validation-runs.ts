import type { Kysely } from 'kysely';

/**
 * Stored results of `alliance validate`: one row per run, the whole JSON result as `alliance validate --json`
 * prints it, so the server shows the latest run without recomputing it and an earlier run stays on record.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('validation_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('generated_at', 'text', (c) => c.notNull())
    .addColumn('raters', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('validation_runs_generated').on('validation_runs').column('generated_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('validation_runs').execute();
}
