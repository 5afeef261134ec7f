import type { Kysely } from 'kysely';
import { z } from 'zod';
import { nowIso } from '../util/time';
import type { Database } from './database';
import { writeTransaction } from './write-lock';

/**
 * Batches of rating requests sent through a provider's batch API (OpenAI's Batch API, Anthropic's Message
 * Batches), with the cache keys each holds. The rate run reserves the keys before it asks the provider, stores the
 * provider's batch id once it has one, and settles each key as its result is ingested, so a run started again
 * polls the batch it sent instead of sending it again. Like the cache leases, nothing here knows what a key asks.
 */

/**
 * Where a batch is: `submitting` (keys reserved, the provider not yet known to have it), `submitted` (the
 * provider has it and works on it), `ended` (the provider is done; results to ingest), `ingested` (every key
 * settled), `abandoned` (a submission interrupted before the provider's id was stored; its keys are free again).
 */
export const RatingBatchStatus = z.enum(['submitting', 'submitted', 'ended', 'ingested', 'abandoned']);
export type RatingBatchStatus = z.infer<typeof RatingBatchStatus>;

/** What became of one key of a batch. `pending` until its result is ingested. */
export const BatchRequestStatus = z.enum(['pending', 'rated', 'failed', 'expired', 'cancelled', 'abandoned']);
export type BatchRequestStatus = z.infer<typeof BatchRequestStatus>;

export const RatingBatchRequest = z.object({
  key: z.string(),
  transcriptId: z.string(),
  replicate: z.number().int().nonnegative(),
  status: BatchRequestStatus,
  /** Why a key failed, expired or was cancelled: status, error type and code, never the provider's own text. */
  reason: z.string().nullable(),
});
export type RatingBatchRequest = z.infer<typeof RatingBatchRequest>;

export const RatingBatch = z.object({
  id: z.string(),
  rater: z.string(),
  provider: z.string(),
  /** The endpoint it was sent to: a batch is polled only where it lives. */
  baseUrl: z.string(),
  providerBatchId: z.string().nullable(),
  status: RatingBatchStatus,
  /** The provider's own word for its state (in_progress, expired, ended, …), for progress and the record. */
  providerStatus: z.string().nullable(),
  /** The run that submitted it (a cache-lease holder name: host, pid, nonce). */
  holder: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  requests: z.array(RatingBatchRequest),
});
export type RatingBatch = z.infer<typeof RatingBatch>;

/** Batches that may still hold answers: not yet ingested or abandoned. */
const OPEN: RatingBatchStatus[] = ['submitting', 'submitted', 'ended'];

/**
 * Reserves keys for a new batch in one write transaction: keys already pending in an open batch are left out (a
 * run sharing the study sent them, or this one before it was killed). Returns the keys reserved; when none are,
 * no batch row is written.
 */
export async function reserveRatingBatch(
  db: Kysely<Database>,
  b: Pick<RatingBatch, 'id' | 'rater' | 'provider' | 'baseUrl' | 'holder'> & {
    requests: Array<Pick<RatingBatchRequest, 'key' | 'transcriptId' | 'replicate'>>;
  },
): Promise<string[]> {
  return writeTransaction(db, async (trx) => {
    const taken = new Set(
      (
        await trx
          .selectFrom('rating_batch_requests as r')
          .innerJoin('rating_batches as b', 'b.id', 'r.batch_id')
          .select('r.key')
          .where('b.status', 'in', OPEN)
          .where('r.status', '=', 'pending')
          .execute()
      ).map((r) => r.key),
    );
    const free = [...new Map(b.requests.filter((r) => !taken.has(r.key)).map((r) => [r.key, r])).values()];
    if (free.length === 0) return [];
    const at = nowIso();
    await trx
      .insertInto('rating_batches')
      .values({
        id: b.id,
        rater: b.rater,
        provider: b.provider,
        base_url: b.baseUrl,
        provider_batch_id: null,
        status: 'submitting',
        provider_status: null,
        holder: b.holder,
        created_at: at,
        updated_at: at,
      })
      .execute();
    // In slices: SQLite limits the variables of one statement.
    for (let i = 0; i < free.length; i += 100) {
      await trx
        .insertInto('rating_batch_requests')
        .values(
          free.slice(i, i + 100).map((r) => ({
            batch_id: b.id,
            key: r.key,
            transcript_id: r.transcriptId,
            replicate: r.replicate,
            status: 'pending',
            reason: null,
          })),
        )
        .execute();
    }
    return free.map((r) => r.key);
  });
}

/** Records the provider's id of a batch it accepted, or how far it has got. */
export async function updateRatingBatch(
  db: Kysely<Database>,
  id: string,
  change: { status?: RatingBatchStatus; providerBatchId?: string; providerStatus?: string },
): Promise<void> {
  await writeTransaction(db, (trx) =>
    trx
      .updateTable('rating_batches')
      .set({
        ...(change.status !== undefined ? { status: change.status } : {}),
        ...(change.providerBatchId !== undefined ? { provider_batch_id: change.providerBatchId } : {}),
        ...(change.providerStatus !== undefined ? { provider_status: change.providerStatus } : {}),
        updated_at: nowIso(),
      })
      .where('id', '=', id)
      .execute(),
  );
}

/**
 * Settles keys of a batch (rated, failed with its reason, expired, cancelled). A batch none of whose keys is
 * pending any more becomes `ingested`, so later runs stop polling it.
 */
export async function settleRatingBatchRequests(
  db: Kysely<Database>,
  batchId: string,
  settled: Array<{ key: string; status: Exclude<BatchRequestStatus, 'pending'>; reason?: string | null }>,
): Promise<void> {
  await writeTransaction(db, async (trx) => {
    for (const s of settled) {
      await trx
        .updateTable('rating_batch_requests')
        .set({ status: s.status, reason: s.reason ?? null })
        .where('batch_id', '=', batchId)
        .where('key', '=', s.key)
        .execute();
    }
    const left = await trx
      .selectFrom('rating_batch_requests')
      .select('key')
      .where('batch_id', '=', batchId)
      .where('status', '=', 'pending')
      .limit(1)
      .executeTakeFirst();
    if (!left)
      await trx
        .updateTable('rating_batches')
        .set({ status: 'ingested', updated_at: nowIso() })
        .where('id', '=', batchId)
        .where('status', 'in', OPEN)
        .execute();
  });
}

/** Gives up a submission that never got a provider id: the batch and its pending keys become `abandoned`. */
export async function abandonRatingBatch(db: Kysely<Database>, id: string): Promise<void> {
  await writeTransaction(db, async (trx) => {
    await trx
      .updateTable('rating_batch_requests')
      .set({ status: 'abandoned' })
      .where('batch_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
    await trx
      .updateTable('rating_batches')
      .set({ status: 'abandoned', updated_at: nowIso() })
      .where('id', '=', id)
      .execute();
  });
}

/**
 * Batches with their keys, oldest first: by default the open ones (that may still hold answers); `all` for the
 * whole record.
 */
export async function listRatingBatches(
  db: Kysely<Database>,
  filter: { rater?: string; all?: boolean; id?: string } = {},
): Promise<RatingBatch[]> {
  let q = db.selectFrom('rating_batches').selectAll().orderBy('created_at').orderBy('id');
  if (!filter.all) q = q.where('status', 'in', OPEN);
  if (filter.rater !== undefined) q = q.where('rater', '=', filter.rater);
  if (filter.id !== undefined) q = q.where('id', '=', filter.id);
  const rows = await q.execute();
  if (rows.length === 0) return [];
  const requests = new Map<string, RatingBatchRequest[]>();
  const ids = rows.map((r) => r.id);
  for (let i = 0; i < ids.length; i += 100) {
    const part = await db
      .selectFrom('rating_batch_requests')
      .selectAll()
      .where('batch_id', 'in', ids.slice(i, i + 100))
      .orderBy('batch_id')
      .orderBy('transcript_id')
      .orderBy('replicate')
      .execute();
    for (const r of part) {
      let list = requests.get(r.batch_id);
      if (!list) requests.set(r.batch_id, (list = []));
      list.push(
        RatingBatchRequest.parse({
          key: r.key,
          transcriptId: r.transcript_id,
          replicate: r.replicate,
          status: r.status,
          reason: r.reason,
        }),
      );
    }
  }
  return rows.map((r) =>
    RatingBatch.parse({
      id: r.id,
      rater: r.rater,
      provider: r.provider,
      baseUrl: r.base_url,
      providerBatchId: r.provider_batch_id,
      status: r.status,
      providerStatus: r.provider_status,
      holder: r.holder,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      requests: requests.get(r.id) ?? [],
    }),
  );
}
