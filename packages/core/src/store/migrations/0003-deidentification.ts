import type { Kysely } from 'kysely';

/**
 * The de-identification mappings: for each transcript version and each de-identification setting (rule version
 * and the study's name list), which placeholder stands for which original text. The mapping exists so a
 * researcher can read a remote rater's evidence against the real transcript; it is identifying data, so it lives
 * only here, beside the transcripts it came from, and is never sent or logged.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('deidentification_maps')
    .addColumn('transcript_id', 'text', (c) => c.notNull().references('transcripts.id'))
    .addColumn('settings_hash', 'text', (c) => c.notNull())
    .addColumn('deidentified_hash', 'text', (c) => c.notNull())
    .addColumn('mapping', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('deidentification_maps_pk', ['transcript_id', 'settings_hash'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('deidentification_maps').execute();
}
