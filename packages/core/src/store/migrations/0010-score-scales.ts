import type { Kysely } from 'kysely';
import { numberScales } from '../score-scales';
import { autoIdType, isPostgres } from './dialect';

/**
 * Numbers for the scores' scales (score-scales.ts): a table of each distinct instrument, form and scale, and each
 * score's number beside its texts, filled in for the scores already stored. The texts stay the score's own; the
 * number is what the SQLite score scan reads.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('score_scales')
    .addColumn('id', autoIdType(db), (c) => (isPostgres(db) ? c.primaryKey() : c.primaryKey().notNull()))
    .addColumn('instrument', 'text', (c) => c.notNull())
    .addColumn('form', 'text', (c) => c.notNull())
    .addColumn('scale', 'text', (c) => c.notNull())
    .addUniqueConstraint('score_scales_texts', ['instrument', 'form', 'scale'])
    .execute();
  await db.schema.alterTable('scores').addColumn('scale_id', 'integer').execute();
  await numberScales(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('scores').dropColumn('scale_id').execute();
  await db.schema.dropTable('score_scales').execute();
}
