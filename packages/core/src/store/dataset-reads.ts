import { type Kysely, sql } from 'kysely';
import type { Database } from './database';

/** The reads of the dataset export: every stored row of a kind, in a stable order, as the tables keep them. */

export async function datasetSessions(db: Kysely<Database>) {
  return db
    .selectFrom('sessions')
    .select(['id', 'client_id', 'therapist_id', 'session_index', 'date'])
    .orderBy('client_id')
    .orderBy('session_index')
    .execute();
}

export async function datasetResponses(db: Kysely<Database>) {
  return db
    .selectFrom('responses')
    .select(['id', 'session_id', 'instrument', 'form', 'respondent', 'items', 'submitted_at'])
    .orderBy('session_id')
    .orderBy('instrument')
    .orderBy('form')
    .orderBy('respondent')
    .execute();
}

/**
 * Every stored rating with its transcript version, and (only when asked, as it holds rationales) the answer the
 * rating cache keeps for it.
 */
export async function datasetRatings(db: Kysely<Database>, withOutput: boolean) {
  const rows = await db
    .selectFrom('ratings as g')
    .innerJoin('transcripts as t', 't.id', 'g.transcript_id')
    .leftJoin('rating_cache as c', 'c.key', 'g.cache_key')
    // The cached answer is large (every rationale); it is read only when asked for.
    .select(withOutput ? sql<string | null>`c.output`.as('output') : sql<string | null>`null`.as('output'))
    .select([
      'g.id',
      'g.session_id',
      'g.rater',
      'g.provider',
      'g.model',
      'g.prompt_version',
      'g.prompt_hash',
      'g.params',
      'g.replicate',
      'g.status',
      'g.forms',
      'g.signals',
      'g.ruptures',
      'g.failure',
      'g.input_tokens',
      'g.output_tokens',
      'g.cached_tokens',
      'g.cost_usd',
      'g.latency_ms',
      'g.created_at',
      't.version as transcript_version',
      't.is_current',
    ])
    .orderBy('g.session_id')
    .orderBy('g.rater')
    .orderBy('g.replicate')
    .orderBy('t.version')
    .execute();
  return rows;
}

export async function datasetAudit(db: Kysely<Database>) {
  return db.selectFrom('audit').selectAll().orderBy('id').execute();
}

/** Which session each audited entity belongs to, so the audit table can name the client and session. */
export async function datasetEntitySessions(db: Kysely<Database>): Promise<Map<string, string>> {
  const [responses, ratings, transcripts] = await Promise.all([
    db.selectFrom('responses').select(['id', 'session_id']).execute(),
    db.selectFrom('ratings').select(['id', 'session_id']).execute(),
    db.selectFrom('transcripts').select(['id', 'session_id']).execute(),
  ]);
  return new Map([...responses, ...ratings, ...transcripts].map((r) => [r.id, r.session_id]));
}
