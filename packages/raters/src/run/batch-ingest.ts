import {
  type BatchRequestStatus,
  type RatingBatch,
  type RatingOutcome,
  settleRatingBatchRequests,
} from '@alliance-lab/core';
import type { BatchClient, BatchPoll, BatchResult } from '../providers/batch';
import { ProviderError } from '../providers/provider-error';
import { rateOnce } from './ask';
import type { Planned } from './batch-run';
import { describeError } from './describe-error';
import { runPool } from './pool';
import type { RunState } from './rate-run';
import { withRetries } from './retry';
import { cachedAnswer, ratingStored, saveRating } from './store-rating';
import { addUsage } from './usage';

type Settled = { status: Exclude<BatchRequestStatus, 'pending'>; reason?: string };

/**
 * Takes in an ended batch: each key this run wants gets its result validated exactly as a live answer is (the
 * repair round, when needed, is a live request), stored through the same write path with its scores and audit
 * row, and settled in the batch's record; a key that errored, expired or was cancelled is settled with its reason
 * and counted failed (not stored, so the next run asks again). Keys another run already stored are taken from the
 * cache. Ingesting is safe to repeat: a run killed midway ingests the rest next time.
 */
export async function ingestBatch(
  run: RunState,
  api: BatchClient,
  batch: RatingBatch,
  poll: BatchPoll,
  wanted: Map<string, Planned[]>,
  reserved: Map<string, number>,
): Promise<void> {
  const { study, summary, tally, log, signal } = run;
  const providerId = batch.providerBatchId!;
  let results: BatchResult[] = [];
  if (!poll.failure) {
    try {
      results = await withRetries((s) => api.results(providerId, s), run.policy, signal);
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      if (err.kind === 'aborted') return;
      log(`batch ${providerId}: its results could not be read (${describeError(err)}); the next run reads them again`);
      for (const r of batch.requests) {
        const planned = wanted.get(r.key);
        if (!planned || r.status !== 'pending') continue;
        summary.failed += planned.length;
        tally.done += planned.length;
        wanted.delete(r.key);
      }
      run.progress();
      return;
    }
  }
  const byKey = new Map(results.map((r) => [r.customId, r]));
  const pending = batch.requests.filter((r) => r.status === 'pending');
  const missing: Record<string, number> = {};

  await runPool(
    pending,
    run.opts.concurrency ?? 8,
    async (req) => {
      const planned = wanted.get(req.key);
      if (!planned) {
        // Not this run's (other sessions): settled only if some run already stored its answer.
        if (await cachedAnswer(study, req.key)) await settle(run, batch.id, req.key, { status: 'rated' });
        return;
      }
      wanted.delete(req.key);
      const estimate = reserved.get(req.key) ?? 0;
      const prior = run.opts.noCache ? undefined : await cachedAnswer(study, req.key);
      if (prior) {
        run.budget.settle(estimate, 0);
        await store(run, planned, prior, true);
        await settle(run, batch.id, req.key, { status: 'rated' });
        return;
      }
      const r = byKey.get(req.key);
      const gone = settledWithout(r, poll);
      if (gone) {
        run.budget.settle(estimate, 0);
        summary.failed += planned.length;
        tally.done += planned.length;
        missing[gone.reason ?? gone.status] = (missing[gone.reason ?? gone.status] ?? 0) + planned.length;
        await settle(run, batch.id, req.key, gone);
        run.progress();
        return;
      }
      const { job } = planned[0]!;
      const t = await run.transcriptOf(job.ref);
      const call = {
        rater: run.rater,
        forms: run.forms,
        replicate: job.replicate,
        services: run.services,
        policy: run.policy,
        signal,
        log,
      };
      let outcome: RatingOutcome;
      try {
        outcome = await rateOnce(
          t,
          call,
          r?.kind === 'answer' ? r.response : r?.kind === 'invalid' ? r.error : undefined,
        );
      } catch (err) {
        const spent = err instanceof ProviderError ? err.spent : undefined;
        run.budget.settle(estimate, spent?.costUsd ?? 0);
        if (!(err instanceof ProviderError)) throw err;
        if (spent) addUsage(summary, spent);
        if (err.kind === 'aborted') {
          wanted.set(req.key, planned);
          return;
        }
        summary.failed += planned.length;
        tally.done += planned.length;
        log(
          `session ${job.ref.sessionId} replicate ${job.replicate}: the repair request failed (${describeError(err)}); not stored, the next run asks again`,
        );
        await settle(run, batch.id, req.key, { status: 'failed', reason: `repair round: ${describeError(err)}` });
        run.progress();
        return;
      }
      run.budget.settle(estimate, outcome.usage.costUsd);
      run.outputEstimate.observe(outcome.usage.outputTokens, outcome.requests);
      addUsage(summary, outcome.usage);
      await store(run, planned, outcome, false);
      if (outcome.status !== 'ok')
        log(
          `session ${job.ref.sessionId} replicate ${job.replicate}: the answer failed validation twice (${outcome.failure?.length ?? 0} problems); stored as failed with the reasons`,
        );
      await settle(
        run,
        batch.id,
        req.key,
        outcome.status === 'ok' ? { status: 'rated' } : { status: 'failed', reason: 'failed validation twice' },
      );
    },
    { signal },
  );
  for (const [why, n] of Object.entries(missing))
    log(`batch ${providerId}: ${n} rating${n === 1 ? '' : 's'} not answered (${why}); the next run sends them again`);
}

/** Why a key has no answer to validate, or undefined when it has one. */
function settledWithout(r: BatchResult | undefined, poll: BatchPoll): Settled | undefined {
  if (r?.kind === 'answer' || r?.kind === 'invalid') return undefined;
  if (r?.kind === 'failed') return { status: 'failed', reason: r.reason };
  if (r?.kind === 'expired' || poll.providerStatus === 'expired') return { status: 'expired', reason: 'batch expired' };
  if (r?.kind === 'cancelled' || /^cancel/.test(poll.providerStatus))
    return { status: 'cancelled', reason: 'batch cancelled' };
  return { status: 'failed', reason: poll.failure ?? 'no result for this request in the batch' };
}

/** Stores an outcome for every rating planned under the key: the first as asked, the others from the cache. */
async function store(run: RunState, planned: Planned[], outcome: RatingOutcome, fromCache: boolean): Promise<void> {
  for (const [i, p] of planned.entries()) {
    const cached = fromCache || i > 0;
    if (!(cached && (await ratingStored(run.study, p.identity))))
      await saveRating(run.study, p.identity, outcome, { fromCache: cached, score: run.services.score });
    if (cached) run.summary.cached++;
    else if (outcome.status === 'ok') run.summary.rated++;
    else run.summary.failed++;
    run.tally.done++;
  }
  run.progress();
}

function settle(run: RunState, batchId: string, key: string, s: Settled): Promise<void> {
  return settleRatingBatchRequests(run.study.db, batchId, [{ key, ...s }]);
}
