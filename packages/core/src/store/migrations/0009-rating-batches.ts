import type { Kysely } from 'kysely';

/**
 * Batches of rating requests sent through a provider's batch API, and which cache keys each holds, so a run that
 * is started again (or after a kill) polls and ingests the batch it sent instead of sending it again. A batch row
 * is written before the provider is asked (status "submitting", no provider id yet) and given the provider's id
 * once it has one; `holder` names the run that submits, so an interrupted submission can be told from a live one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rating_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rater', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('base_url', 'text', (c) => c.notNull())
    .addColumn('provider_batch_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('provider_status', 'text')
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rating_batches_status').on('rating_batches').column('status').execute();
  await db.schema
    .createTable('rating_batch_requests')
    .addColumn('batch_id', 'text', (c) => c.notNull().references('rating_batches.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('transcript_id', 'text', (c) => c.notNull())
    .addColumn('replicate', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addPrimaryKeyConstraint('rating_batch_requests_pk', ['batch_id', 'key'])
    .execute();
  await db.schema.createIndex('rating_batch_requests_key').on('rating_batch_requests').column('key').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rating_batch_requests').execute();
  await db.schema.dropTable('rating_batches').execute();
}
