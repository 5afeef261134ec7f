import type { Kysely } from 'kysely';
import { autoIdType, isPostgres, realType } from './dialect';

export async function up(db: Kysely<unknown>): Promise<void> {
  const real = realType(db);
  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('therapists')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id'))
    .addColumn('therapist_id', 'text', (c) => c.notNull().references('therapists.id'))
    .addColumn('session_index', 'integer', (c) => c.notNull())
    .addColumn('date', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('sessions_client_index', ['client_id', 'session_index'])
    .execute();

  await db.schema
    .createTable('transcripts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('is_current', 'integer', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('utterance_count', 'integer', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('transcripts_session_version', ['session_id', 'version'])
    .addUniqueConstraint('transcripts_session_hash', ['session_id', 'content_hash'])
    .execute();

  await db.schema
    .createTable('utterances')
    .addColumn('transcript_id', 'text', (c) => c.notNull().references('transcripts.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('speaker', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('start_s', real)
    .addColumn('end_s', real)
    .addPrimaryKeyConstraint('utterances_pk', ['transcript_id', 'seq'])
    .execute();

  await db.schema
    .createTable('responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('instrument', 'text', (c) => c.notNull())
    .addColumn('form', 'text', (c) => c.notNull())
    .addColumn('respondent', 'text', (c) => c.notNull())
    .addColumn('items', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text')
    .addColumn('source', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('responses_one_per_respondent', ['session_id', 'instrument', 'form', 'respondent'])
    .execute();

  await db.schema
    .createTable('ratings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('transcript_id', 'text', (c) => c.notNull().references('transcripts.id'))
    .addColumn('rater', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('prompt_version', 'text', (c) => c.notNull())
    .addColumn('prompt_hash', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('replicate', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('forms', 'text', (c) => c.notNull())
    .addColumn('signals', 'text', (c) => c.notNull())
    .addColumn('ruptures', 'text', (c) => c.notNull())
    .addColumn('failure', 'text')
    .addColumn('input_tokens', 'integer', (c) => c.notNull())
    .addColumn('output_tokens', 'integer', (c) => c.notNull())
    .addColumn('cached_tokens', 'integer', (c) => c.notNull())
    .addColumn('cost_usd', real, (c) => c.notNull())
    .addColumn('latency_ms', real, (c) => c.notNull())
    .addColumn('cache_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // One stored rating per rater, transcript version and replicate: a re-run never duplicates.
    .addUniqueConstraint('ratings_once', ['rater', 'transcript_id', 'replicate'])
    .execute();

  await db.schema
    .createTable('scores')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('instrument', 'text', (c) => c.notNull())
    .addColumn('form', 'text', (c) => c.notNull())
    .addColumn('scale', 'text', (c) => c.notNull())
    .addColumn('score', real)
    .addColumn('pomp', real)
    .addColumn('prorated', 'integer', (c) => c.notNull())
    .addColumn('missing', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('scores_pk', ['source', 'source_id', 'instrument', 'form', 'scale'])
    .execute();

  await db.schema
    .createTable('audit')
    .addColumn('id', autoIdType(db), (c) => (isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .execute();

  await db.schema.createIndex('sessions_by_therapist').on('sessions').column('therapist_id').execute();
  await db.schema.createIndex('transcripts_current').on('transcripts').columns(['session_id', 'is_current']).execute();
  await db.schema.createIndex('responses_by_instrument').on('responses').columns(['instrument', 'form']).execute();
  await db.schema.createIndex('ratings_by_session').on('ratings').columns(['session_id', 'rater']).execute();
  await db.schema.createIndex('audit_by_entity').on('audit').columns(['entity', 'entity_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'audit',
    'scores',
    'ratings',
    'responses',
    'utterances',
    'transcripts',
    'sessions',
    'clients',
    'therapists',
    'meta',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
