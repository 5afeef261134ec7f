import { appendAudit, nowIso, type Database, type Score, type StoredRating, type Study, type Usage } from '@alliance-lab/core';
import type { Kysely, Selectable } from 'kysely';
import type { RaterOutput } from '../result-schema';

/** One rater call's final outcome, as the cache keeps it. */
export interface Outcome {
  status: 'ok' | 'failed';
  /** The validated answer when ok; the last answer given (parsed or raw text) when failed. */
  output: unknown;
  failure: string[] | null;
  usage: Usage;
  /** Requests it took, the repair round included. */
  requests: number;
}

/** Everything about a rating except its outcome. */
export interface RatingIdentity {
  rater: string;
  provider: string;
  model: string;
  promptVersion: string;
  promptHash: string;
  params: Record<string, unknown>;
  sessionId: string;
  transcriptId: string;
  transcriptHash: string;
  replicate: number;
  cacheKey: string;
}

export type ExistingRating = Pick<Selectable<Database['ratings']>, 'id' | 'cache_key' | 'status'>;

/** The stored rating id: readable and stable, so a re-rating replaces the same row. */
export function ratingId(rater: string, transcriptId: string, replicate: number): string {
  return `${rater}/${transcriptId}/r${replicate}`;
}

/** This rater's stored ratings, by transcript and replicate, read once at the start of a run. */
export async function existingRatings(study: Study, rater: string): Promise<Map<string, ExistingRating>> {
  const rows = await study.db.selectFrom('ratings').select(['id', 'transcript_id', 'replicate', 'cache_key', 'status']).where('rater', '=', rater).execute();
  return new Map(rows.map((r) => [`${r.transcript_id}\u0000${r.replicate}`, { id: r.id, cache_key: r.cache_key, status: r.status }]));
}

export function existingKey(transcriptId: string, replicate: number): string {
  return `${transcriptId}\u0000${replicate}`;
}

export async function cachedOutcome(study: Study, key: string): Promise<Outcome | undefined> {
  const row = await study.db.selectFrom('rating_cache').selectAll().where('key', '=', key).executeTakeFirst();
  if (!row) return undefined;
  return {
    status: row.status === 'ok' ? 'ok' : 'failed',
    output: JSON.parse(row.output),
    failure: row.failure === null ? null : (JSON.parse(row.failure) as string[]),
    usage: { inputTokens: row.input_tokens, outputTokens: row.output_tokens, cachedTokens: row.cached_tokens, costUsd: row.cost_usd, latencyMs: row.latency_ms },
    requests: row.requests,
  };
}

/**
 * Writes one rating in one transaction: the cache entry (unless it came from the cache), the rating row (new, or
 * replacing this rater's earlier rating of the same transcript and replicate), its scores, and an audit row. The
 * audit row carries the values and counts, not the quotes: transcript text stays out of the audit table.
 */
export async function storeRating(
  study: Study,
  id: RatingIdentity,
  outcome: Outcome,
  opts: { fromCache: boolean; score: (forms: StoredRating['forms'], ratingId: string) => Score[] },
): Promise<void> {
  const rid = ratingId(id.rater, id.transcriptId, id.replicate);
  const now = nowIso();
  const output = outcome.status === 'ok' ? (outcome.output as RaterOutput) : null;
  const forms: StoredRating['forms'] = output
    ? output.forms.map((f) => ({ instrument: f.instrument, form: f.form as StoredRating['forms'][number]['form'], items: Object.fromEntries(f.items.map((i) => [i.item, i.value])) }))
    : [];
  const scores = output ? opts.score(forms, rid) : [];
  const row = {
    id: rid,
    session_id: id.sessionId,
    transcript_id: id.transcriptId,
    rater: id.rater,
    provider: id.provider,
    model: id.model,
    prompt_version: id.promptVersion,
    prompt_hash: id.promptHash,
    params: JSON.stringify(id.params),
    replicate: id.replicate,
    status: outcome.status,
    forms: JSON.stringify(forms),
    signals: JSON.stringify(output?.signals ?? []),
    ruptures: JSON.stringify(output?.ruptures ?? []),
    failure: outcome.failure ? JSON.stringify(outcome.failure) : null,
    input_tokens: outcome.usage.inputTokens,
    output_tokens: outcome.usage.outputTokens,
    cached_tokens: outcome.usage.cachedTokens,
    cost_usd: outcome.usage.costUsd,
    latency_ms: outcome.usage.latencyMs,
    cache_key: id.cacheKey,
    created_at: now,
  };
  await study.db.transaction().execute(async (trx) => {
    if (!opts.fromCache) await putCache(trx, id, outcome, now);
    const before = await trx.selectFrom('ratings').selectAll().where('id', '=', rid).executeTakeFirst();
    if (before) {
      await trx.deleteFrom('scores').where('source', '=', 'rating').where('source_id', '=', rid).execute();
      await trx.updateTable('ratings').set(row).where('id', '=', rid).execute();
    } else {
      await trx.insertInto('ratings').values(row).execute();
    }
    if (scores.length) {
      await trx
        .insertInto('scores')
        .values(
          scores.map((s) => ({
            source: 'rating',
            source_id: rid,
            instrument: s.instrument,
            form: s.form,
            scale: s.scale,
            score: s.score,
            pomp: s.pomp,
            prorated: s.prorated ? 1 : 0,
            missing: s.missing ? 1 : 0,
          })),
        )
        .execute();
    }
    await appendAudit(trx, {
      actor: study.actor,
      entity: 'rating',
      entityId: rid,
      action: before ? 'update' : 'insert',
      before: before ? auditView(before) : null,
      after: auditView(row),
    });
  });
}

async function putCache(trx: Kysely<Database>, id: RatingIdentity, outcome: Outcome, now: string): Promise<void> {
  const values = {
    key: id.cacheKey,
    provider: id.provider,
    model: id.model,
    prompt_version: id.promptVersion,
    prompt_hash: id.promptHash,
    transcript_hash: id.transcriptHash,
    replicate: id.replicate,
    status: outcome.status,
    output: JSON.stringify(outcome.output ?? null),
    failure: outcome.failure ? JSON.stringify(outcome.failure) : null,
    input_tokens: outcome.usage.inputTokens,
    output_tokens: outcome.usage.outputTokens,
    cached_tokens: outcome.usage.cachedTokens,
    cost_usd: outcome.usage.costUsd,
    latency_ms: outcome.usage.latencyMs,
    requests: outcome.requests,
    created_at: now,
  };
  // --no-cache re-asks and replaces the stored answer for the same key.
  await trx
    .insertInto('rating_cache')
    .values(values)
    .onConflict((oc) => oc.column('key').doUpdateSet(values))
    .execute();
}

function auditView(r: Selectable<Database['ratings']> | Database['ratings']) {
  const forms = JSON.parse(r.forms) as StoredRating['forms'];
  return {
    rater: r.rater,
    provider: r.provider,
    model: r.model,
    promptVersion: r.prompt_version,
    promptHash: r.prompt_hash,
    transcriptId: r.transcript_id,
    replicate: r.replicate,
    status: r.status,
    cacheKey: r.cache_key,
    forms,
    signals: (JSON.parse(r.signals) as unknown[]).length,
    ruptures: (JSON.parse(r.ruptures) as unknown[]).length,
    failures: r.failure === null ? 0 : (JSON.parse(r.failure) as unknown[]).length,
    costUsd: r.cost_usd,
  };
}
