import type { Kysely } from 'kysely';
import { realType } from './dialect';

/**
 * Utterance codes from the utterance coder (`alliance code`): per transcript version, coder and utterance, the
 * MI behaviour code (therapist reflection / question / input / other, client change / sustain / neutral), its
 * subcode and the coder's probability. Keyed by the coder's version so two coders' codes sit side by side and a
 * re-run of one replaces its own rows only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const real = realType(db);
  await db.schema
    .createTable('utterance_codes')
    .addColumn('transcript_id', 'text', (c) => c.notNull().references('transcripts.id'))
    .addColumn('coder', 'text', (c) => c.notNull())
    .addColumn('coder_hash', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('subcode', 'text')
    .addColumn('probability', real, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('utterance_codes_pk', ['transcript_id', 'coder', 'uid'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('utterance_codes').execute();
}
