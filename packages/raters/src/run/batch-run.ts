import { randomUUID } from 'node:crypto';
import {
  type RatingBatch,
  type RatingIdentity,
  UsageError,
  abandonRatingBatch,
  holderProcessAlive,
  listRatingBatches,
  reserveRatingBatch,
  updateRatingBatch,
  sleep,
} from '@alliance-lab/core';
import {
  type BatchClient,
  type BatchLine,
  type BatchPoll,
  PROBE_AFTER_MS,
  type SubmittedBatch,
} from '../providers/batch';
import { ProviderError } from '../providers/provider-error';
import { ingestBatch } from './batch-ingest';
import { describeError } from './describe-error';
import { type Job, alreadyAnswered, planJobs, ratingIdentity } from './plan';
import type { RunResult, RunState } from './rate-run';
import { withRetries } from './retry';
import { saveRating } from './store-rating';
import { estimateCost } from './usage';
import { windowsFor } from './windows';

/** One rating the batch path still has to obtain: its job and identity (the cache key is the batch's custom_id). */
export interface Planned {
  job: Job;
  identity: RatingIdentity;
}

export const DEFAULT_BATCH_POLL_MS = 30_000;

/** Lines and bytes per batch: under both APIs' limits (OpenAI 50,000 lines and 200 MB; Anthropic 100,000 and 256 MB). */
const MAX_LINES = 10_000;
const MAX_BYTES = 100 * 1024 * 1024;

/**
 * `alliance rate --batch`: the same plan, cache, privacy policy, validation and storing as a live run, with the
 * requests sent through the provider's batch API. Keys already answered are never sent; keys a batch sent
 * earlier (this study, this endpoint) still holds are polled and ingested, not sent again; the rest go out in new
 * batches, recorded in the store (which keys, the provider's id, its status) before and after the provider is
 * asked. Transcripts that need windows (--chunk) are asked live. A batch that expires or is cancelled leaves its
 * unanswered keys failed (reported, and sent again by the next run).
 */
export async function rateInBatches(run: RunState): Promise<NonNullable<RunResult['batches']>> {
  const { study, opts, rater, config, prompt, forms, summary, tally, log } = run;
  const api = rater.batch;
  if (!api || !rater.baseUrl) {
    throw new UsageError(
      `--batch: rater "${opts.rater}" (provider ${rater.provider}) has no batch API; openai raters (and OpenAI-compatible servers that implement /v1/batches) and anthropic raters do`,
    );
  }
  const baseUrl = rater.baseUrl;

  const wanted = new Map<string, Planned[]>();
  const live: Job[] = [];
  for (const job of planJobs(run.refs, run.replicates)) {
    const t = await run.prepared(job.ref);
    const windows = opts.chunk && prompt ? windowsFor(t, rater, forms, config, prompt) : null;
    if (windows && windows.length > 1) {
      live.push(job);
      continue;
    }
    const identity = ratingIdentity({
      name: opts.rater,
      rater,
      config,
      ref: job.ref,
      transcript: t,
      replicate: job.replicate,
      handling: run.handling,
      windows,
    });
    if (!opts.noCache) {
      const hit = await alreadyAnswered(study, run.existing, identity);
      if (hit) {
        if (hit !== 'stored') await saveRating(study, identity, hit, { fromCache: true, score: run.services.score });
        summary.cached++;
        tally.done++;
        run.progress();
        continue;
      }
    }
    const list = wanted.get(identity.cacheKey);
    if (list) list.push({ job, identity });
    else wanted.set(identity.cacheKey, [{ job, identity }]);
  }
  if (live.length) {
    log(`${live.length} rating${live.length === 1 ? '' : 's'} of transcripts rated in windows are asked live`);
    const { rateLive } = await import('./rate-run');
    await rateLive(run, live);
  }

  // Batches sent before (by a run that was stopped, or one running now) that hold keys this run wants.
  const tracked: RatingBatch[] = [];
  const held = new Set<string>();
  for (let b of await listRatingBatches(study.db)) {
    const ours = b.provider === rater.provider && b.baseUrl === baseUrl;
    if (ours && stalled(b)) {
      const found = await recoverSubmission(run, api, b);
      if (found.kind === 'absent') continue;
      if (found.kind === 'unknown') {
        await leaveUnanswered(run, b, wanted);
        continue;
      }
      b = found.batch;
    }
    const pending = b.requests.filter((r) => r.status === 'pending').map((r) => r.key);
    if (ours && pending.some((k) => wanted.has(k))) tracked.push(b);
  }
  const resumed = tracked.length;
  if (resumed) log(`polling ${resumed} batch${resumed === 1 ? '' : 'es'} sent before, instead of sending again`);
  const trackedKeys = new Set(
    tracked.flatMap((b) => b.requests.filter((r) => r.status === 'pending').map((r) => r.key)),
  );
  for (const [key, planned] of wanted) {
    if (held.has(key) && !trackedKeys.has(key)) {
      // Pending in a batch sent to another endpoint: it is that batch's to answer.
      tally.notStarted += planned.length;
      wanted.delete(key);
    }
  }

  const reserved = new Map<string, number>();
  const toSend = [...wanted.keys()].filter((k) => !held.has(k));
  const submitted = await submitBatches(run, api, baseUrl, toSend, wanted, reserved, tracked);

  await pollUntilEnded(run, api, tracked, wanted, reserved);
  return { submitted, resumed };
}

/** Sends the keys in as few batches as fit, each recorded in the store before and after the provider has it. */
async function submitBatches(
  run: RunState,
  api: BatchClient,
  baseUrl: string,
  keys: string[],
  wanted: Map<string, Planned[]>,
  reserved: Map<string, number>,
  into: RatingBatch[],
): Promise<number> {
  const { study, opts, rater, config, prompt, forms, summary, tally, log, signal } = run;
  let submitted = 0;
  let i = 0;
  const others = new Set<string>();
  while (i < keys.length && !signal.aborted) {
    const lines: BatchLine[] = [];
    let bytes = 0;
    for (; i < keys.length && lines.length < MAX_LINES && bytes < MAX_BYTES; i++) {
      const key = keys[i]!;
      const { job } = wanted.get(key)![0]!;
      const t = await run.transcriptOf(job.ref);
      const estimate = estimateCost(t, null, forms, config, prompt, run.outputEstimate) * config.price.batchMultiplier;
      if (tally.budgetStopped || !run.budget.tryReserve(estimate)) {
        tally.budgetStopped = true;
        tally.notStarted += wanted.get(key)!.length;
        wanted.delete(key);
        continue;
      }
      reserved.set(key, estimate);
      lines.push({ customId: key, request: { transcript: t, forms, replicate: job.replicate } });
      // About four bytes a token, the prompt's whole text (system, rubric, transcript, task) for each line.
      bytes += prompt ? prompt.tokens(t, forms) * 4 : t.utterances.reduce((s, u) => s + u.text.length, 0);
    }
    if (lines.length === 0) continue;
    const id = randomUUID();
    const got = await reserveRatingBatch(study.db, {
      id,
      rater: opts.rater,
      provider: rater.provider,
      baseUrl,
      holder: run.lease.holder,
      requests: lines.map((l) => {
        const { identity } = wanted.get(l.customId)![0]!;
        return { key: l.customId, transcriptId: identity.transcriptId, replicate: identity.replicate };
      }),
    });
    const mine = new Set(got);
    // A run sharing the study reserved some of them since this one looked: that run sends them, this one polls.
    for (const l of lines) if (!mine.has(l.customId)) others.add(l.customId);
    const send = lines.filter((l) => mine.has(l.customId));
    if (send.length === 0) continue;
    let accepted: Awaited<ReturnType<BatchClient['submit']>>;
    try {
      accepted = await withRetries((s) => api.submit(send, id, s), run.policy, signal, {
        onRetry: (err, attempt, delay) =>
          log(`sending a batch: ${describeError(err)}; retry ${attempt} in ${(delay / 1000).toFixed(1)} s`),
      });
    } catch (err) {
      await abandonRatingBatch(study.db, id);
      if (!(err instanceof ProviderError)) throw err;
      if (err.kind === 'aborted') return submitted;
      for (const l of send) {
        run.budget.settle(reserved.get(l.customId) ?? 0, 0);
        const n = wanted.get(l.customId)!.length;
        summary.failed += n;
        tally.done += n;
        wanted.delete(l.customId);
      }
      log(`a batch of ${send.length} requests was not accepted: ${describeError(err)}; the next run sends it again`);
      run.progress();
      continue;
    }
    await updateRatingBatch(study.db, id, {
      status: 'submitted',
      providerBatchId: accepted.providerBatchId,
      providerStatus: accepted.providerStatus,
    });
    submitted++;
    log(`sent batch ${accepted.providerBatchId} with ${send.length} request${send.length === 1 ? '' : 's'}`);
    const [b] = await listRatingBatches(study.db, { id });
    if (b) into.push(b);
  }
  if (others.size) {
    const polled = new Set(into.map((b) => b.id));
    for (const b of await listRatingBatches(study.db)) {
      const holds = b.requests.filter((r) => r.status === 'pending' && others.has(r.key));
      if (holds.length === 0 || polled.has(b.id)) continue;
      if (b.provider === rater.provider && b.baseUrl === baseUrl) into.push(b);
      else
        for (const r of holds) {
          tally.notStarted += wanted.get(r.key)?.length ?? 0;
          wanted.delete(r.key);
        }
    }
  }
  return submitted;
}

/**
 * A reservation whose run will not record the provider's id: its process is gone (this host), or it has been
 * submitting for longer than any submission's retries last (a run on another host that died).
 */
function stalled(b: RatingBatch, now = Date.now()): boolean {
  if (b.status !== 'submitting') return false;
  return !holderProcessAlive(b.holder) || now - Date.parse(b.createdAt) > PROBE_AFTER_MS;
}

type Recovery = { kind: 'found'; batch: RatingBatch } | { kind: 'absent' } | { kind: 'unknown' };

/**
 * A stalled reservation may have been killed after the provider accepted its batch and before the store had the
 * id, so the provider is asked first: found, the batch is recorded and polled like any other; not there (or the
 * server cannot list its batches), the keys are freed to be sent again; the provider not answering, the
 * reservation stays as it is for the next run to ask again, so a batch is never paid for twice.
 */
async function recoverSubmission(run: RunState, api: BatchClient, b: RatingBatch): Promise<Recovery> {
  const { study, log, signal } = run;
  const known = new Set(
    (await listRatingBatches(study.db, { all: true })).flatMap((x) => (x.providerBatchId ? [x.providerBatchId] : [])),
  );
  const probe = { tag: b.id, reservedAt: b.createdAt, lines: b.requests.length, known };
  let found: SubmittedBatch | undefined;
  try {
    found = await withRetries((s) => api.find(probe, s), run.policy, signal, {
      onRetry: (err, attempt, delay) =>
        log(
          `looking for a batch sent by a stopped run: ${describeError(err)}; retry ${attempt} in ${(delay / 1000).toFixed(1)} s`,
        ),
    });
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    if (err.status !== 404 && err.status !== 405) {
      if (err.kind !== 'aborted')
        log(
          `could not ask the provider whether it has the batch a stopped run sent (${describeError(err)}); the next run asks again`,
        );
      return { kind: 'unknown' };
    }
    log(
      `the server cannot list its batches (${err.status}): the keys of the batch a stopped run was sending are sent again`,
    );
  }
  if (!found) {
    await abandonRatingBatch(study.db, b.id);
    return { kind: 'absent' };
  }
  await updateRatingBatch(study.db, b.id, {
    status: 'submitted',
    providerBatchId: found.providerBatchId,
    providerStatus: found.providerStatus,
  });
  log(
    `found batch ${found.providerBatchId}, sent by a run stopped before it recorded it: polling it, not sending again`,
  );
  const [batch] = await listRatingBatches(study.db, { id: b.id, all: true });
  return batch ? { kind: 'found', batch } : { kind: 'absent' };
}

/** Polls every tracked batch until it ends, ingesting each as it does; progress goes to the log (stderr). */
async function pollUntilEnded(
  run: RunState,
  api: BatchClient,
  batches: RatingBatch[],
  wanted: Map<string, Planned[]>,
  reserved: Map<string, number>,
): Promise<void> {
  const { study, log, signal } = run;
  const every = run.opts.batchPollMs ?? DEFAULT_BATCH_POLL_MS;
  const seen = new Map<string, string>();
  let active = [...batches];
  while (active.length && !signal.aborted) {
    const still: RatingBatch[] = [];
    for (const b of active) {
      if (signal.aborted) return;
      let batch = b;
      if (!batch.providerBatchId) {
        // Another live run is sending it: wait for its id, or for its holder to go.
        batch = (await listRatingBatches(study.db, { id: b.id, all: true }))[0] ?? b;
        if (!batch.providerBatchId && batch.status === 'submitting' && stalled(batch)) {
          const found = await recoverSubmission(run, api, batch);
          if (found.kind === 'found') batch = found.batch;
          else {
            if (found.kind === 'unknown') await leaveUnanswered(run, batch, wanted);
            else
              await giveUp(run, batch, wanted, 'the run sending its batch stopped before the provider had it', false);
            continue;
          }
        }
        if (!batch.providerBatchId) {
          if (batch.status === 'submitting') still.push(batch);
          else await giveUp(run, batch, wanted, 'the run sending its batch stopped before the provider had it');
          continue;
        }
      }
      const providerId = batch.providerBatchId!;
      let poll: BatchPoll;
      try {
        poll = await withRetries((s) => api.poll(providerId, s), run.policy, signal, {
          onRetry: (err, attempt, delay) =>
            log(
              `polling batch ${providerId}: ${describeError(err)}; retry ${attempt} in ${(delay / 1000).toFixed(1)} s`,
            ),
        });
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        if (err.kind === 'aborted') return;
        if (err.status === 404) {
          await giveUp(run, batch, wanted, `the provider does not know batch ${providerId} (404)`);
          continue;
        }
        log(`batch ${providerId}: ${describeError(err)}; it is kept, and the next run polls it again`);
        await leaveUnanswered(run, batch, wanted);
        continue;
      }
      const line = `batch ${providerId}: ${poll.providerStatus}, ${poll.done} of ${poll.total} requests done`;
      if (seen.get(providerId) !== line) {
        seen.set(providerId, line);
        log(line);
        await updateRatingBatch(study.db, batch.id, { providerStatus: poll.providerStatus });
      }
      if (!poll.ended) {
        still.push(batch);
        continue;
      }
      await updateRatingBatch(study.db, batch.id, { status: 'ended', providerStatus: poll.providerStatus });
      await ingestBatch(run, api, batch, poll, wanted, reserved);
    }
    active = still;
    if (active.length && !signal.aborted) await sleep(every, signal);
  }
}

/** Keys of a batch that never reached the provider: failed in this run, free for the next. */
async function giveUp(
  run: RunState,
  b: RatingBatch,
  wanted: Map<string, Planned[]>,
  why: string,
  abandon = true,
): Promise<void> {
  if (abandon) await abandonRatingBatch(run.study.db, b.id);
  let n = 0;
  for (const r of b.requests) {
    const planned = wanted.get(r.key);
    if (!planned || r.status !== 'pending') continue;
    n += planned.length;
    wanted.delete(r.key);
  }
  run.summary.failed += n;
  run.tally.done += n;
  run.log(`${n} rating${n === 1 ? '' : 's'} not answered: ${why}; the next run sends them again`);
  run.progress();
}

/** A batch that could not be polled now: its keys count as failed in this run and stay pending in the store. */
async function leaveUnanswered(run: RunState, b: RatingBatch, wanted: Map<string, Planned[]>): Promise<void> {
  for (const r of b.requests) {
    const planned = wanted.get(r.key);
    if (!planned || r.status !== 'pending') continue;
    run.summary.failed += planned.length;
    run.tally.done += planned.length;
    wanted.delete(r.key);
  }
  run.progress();
}
