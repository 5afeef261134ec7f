import { join } from 'node:path';
import {
  DEFAULT_LEASE_OPTIONS,
  type LeaseOptions,
  type RatingIdentity,
  type RatingOutcome,
  STUDY_FILE,
  type Study,
  UsageError,
  awaitCacheTurn,
  newLeaseHolder,
} from '@alliance-lab/core';
import { ProviderError } from '../providers/provider-error';
import { configureRater } from '../providers/registry';
import type { RatableTranscript, Rater } from '../rater';
import { rateOnce } from './ask';
import { Budget, OutputEstimate } from './budget';
import { describeError } from './describe-error';
import { type Job, alreadyAnswered, onePreparationPerTranscript, parseForms, planJobs, ratingIdentity } from './plan';
import { runPool } from './pool';
import { transcriptHandling, type TranscriptHandling } from './privacy';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry';
import type { RunServices } from './run-services';
import { loadTranscript, selectTranscripts, type TranscriptRef } from './run-transcripts';
import { existingRatings, ratingStored, saveRating } from './store-rating';
import { addUsage, estimateCost } from './usage';
import { rateWindows, refuseOverBudget, windowsFor } from './windows';

export { parseForms } from './forms';
export { describeError } from './describe-error';

export interface RateOptions {
  /** A key of study.json "raters". */
  rater: string;
  /** Session ids ("C01/3") or client ids; all current transcripts when empty. */
  sessions?: string[];
  replicates?: number;
  concurrency?: number;
  budgetUsd?: number;
  /** Ask again even where the cache has an answer, and replace it. */
  noCache?: boolean;
  /** Rate transcripts over the rater's input budget in overlapping windows instead of refusing them. */
  chunk?: boolean;
  signal?: AbortSignal;
  retry?: Partial<RetryPolicy>;
  env?: Record<string, string | undefined>;
  services: RunServices;
  onProgress?: (p: RunProgress) => void;
  /** How this run claims cache keys against other runs on the study (tests shorten the times). */
  lease?: Partial<LeaseOptions>;
  /** Messages for the user (stderr). Never given transcript text. */
  log?: (message: string) => void;
  /**
   * Which ratings this run handles, asked of each once its cache key is known and before the cache or a provider
   * is: one the hook declines is left alone (src/queue enqueues them instead, and a worker takes one job's).
   */
  select?: (identity: RatingIdentity) => boolean | Promise<boolean>;
}

/** The `alliance rate --json` summary, exactly these keys. */
export interface RunSummary {
  /** Ratings requested in this run and stored as ok. */
  rated: number;
  /** Ratings requested in this run that failed: stored as failed after the repair round, or not stored because the requests kept failing. */
  failed: number;
  /** Ratings answered from the store without a request. */
  cached: number;
  inputTokens: number;
  outputTokens: number;
  /** Input tokens the provider served from its prompt cache. */
  cachedTokens: number;
  costUsd: number;
}

export interface RunProgress extends RunSummary {
  done: number;
  total: number;
}

export interface RunResult {
  summary: RunSummary;
  total: number;
  /** Requests not scheduled because the budget would have been passed. */
  notStarted: number;
  interrupted: boolean;
  transcripts: TranscriptHandling;
}

const DEFAULT_CONCURRENCY = 8;

export async function rateStudy(study: Study, opts: RateOptions): Promise<RunResult> {
  const entry = study.config.raters[opts.rater];
  if (!entry) {
    const names = Object.keys(study.config.raters);
    throw new UsageError(
      `no rater "${opts.rater}" in study.json; ${names.length ? `it defines ${names.map((n) => `"${n}"`).join(', ')}` : 'add one under "raters"'}`,
    );
  }
  const services = opts.services;
  const env = opts.env ?? process.env;
  const signal = opts.signal ?? new AbortController().signal;
  const log = opts.log ?? (() => {});
  const configured = configureRater(opts.rater, entry, join(study.dir, STUDY_FILE));
  const config = configured.config;
  const setup = await services.createRater(configured, env);
  const rater = setup.rater;
  const prompt = setup.prompt;
  const handling = handlingFor(rater, study);
  const forms = parseForms(config.forms);
  const replicates = opts.replicates ?? 1;
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
    ...opts.retry,
  };
  if (opts.chunk && config.maxInputTokens === undefined) {
    throw new UsageError(`--chunk needs an input budget: set maxInputTokens in rater "${opts.rater}" of study.json`);
  }

  const refs = await selectTranscripts(study, opts.sessions);
  const prepare = async (ref: TranscriptRef): Promise<RatableTranscript> => {
    const t = await loadTranscript(study, ref);
    return handling === 'deidentified' ? services.deidentify(t) : t;
  };
  if (config.maxInputTokens !== undefined && !opts.chunk && prompt)
    await refuseOverBudget(refs, prepare, rater, forms, config, prompt);

  const summary: RunSummary = {
    rated: 0,
    failed: 0,
    cached: 0,
    inputTokens: 0,
    outputTokens: 0,
    cachedTokens: 0,
    costUsd: 0,
  };
  const total = refs.length * replicates;
  let done = 0;
  let notStarted = 0;
  let budgetStopped = false;
  const budget = new Budget(opts.budgetUsd);
  const outputEstimate = new OutputEstimate(config.maxTokens);
  const existing = await existingRatings(study, opts.rater);
  const progress = () => opts.onProgress?.({ ...summary, done, total });

  const prepared = onePreparationPerTranscript(prepare, replicates);
  const lease: LeaseOptions = { ...DEFAULT_LEASE_OPTIONS, holder: newLeaseHolder(), ...opts.lease };

  // A job whose key another run holds goes to the back of the queue once, so this run asks other keys meanwhile;
  // the second time round it waits for the holder's answer.
  const jobs: Array<Job & { deferred?: boolean }> = planJobs(refs, replicates);
  await runPool(
    jobs,
    opts.concurrency ?? DEFAULT_CONCURRENCY,
    async (job) => {
      const { ref, replicate } = job;
      const t = await prepared(ref);
      const windows = opts.chunk && prompt ? windowsFor(t, rater, forms, config, prompt) : null;
      const identity = ratingIdentity({
        name: opts.rater,
        rater,
        config,
        ref,
        transcript: t,
        replicate,
        handling,
        windows,
      });
      if (opts.select && !(await opts.select(identity))) return;

      if (!opts.noCache) {
        const hit = await alreadyAnswered(study, existing, identity);
        if (hit) {
          if (hit !== 'stored') await saveRating(study, identity, hit, { fromCache: true, score: services.score });
          summary.cached++;
          done++;
          progress();
          return;
        }
      }

      if (signal.aborted) return;
      // Claim the key, so a run sharing the study does not ask the same thing; one holding it answers for us.
      const turn = await awaitCacheTurn(study, identity.cacheKey, {
        ...lease,
        ignoreCache: opts.noCache,
        wait: job.deferred === true,
        signal,
      });
      if (turn.kind === 'aborted') return;
      if (turn.kind === 'held') {
        jobs.push({ ...job, deferred: true });
        return;
      }
      if (turn.kind === 'answered') {
        if (!(await ratingStored(study, identity)))
          await saveRating(study, identity, turn.outcome, { fromCache: true, score: services.score });
        summary.cached++;
        done++;
        progress();
        return;
      }
      // Released however the request ends: stored, failed, over budget or aborted.
      try {
        const estimate = estimateCost(t, windows, forms, config, prompt, outputEstimate);
        if (budgetStopped || !budget.tryReserve(estimate)) {
          budgetStopped = true;
          notStarted++;
          return;
        }
        let outcome: RatingOutcome;
        try {
          outcome =
            windows && windows.length > 1
              ? await rateWindows(t, windows, { rater, forms, replicate, services, policy, signal, log })
              : await rateOnce(t, { rater, forms, replicate, services, policy, signal, log });
        } catch (err) {
          const spent = err instanceof ProviderError ? err.spent : undefined;
          budget.settle(estimate, spent?.costUsd ?? 0);
          if (!(err instanceof ProviderError)) throw err;
          if (spent) addUsage(summary, spent);
          if (err.kind === 'aborted') return;
          // Not stored: the transcript was never rated, so the next run asks again.
          summary.failed++;
          done++;
          log(
            `session ${ref.sessionId} replicate ${replicate}: ${describeError(err)}; not stored, the next run retries it`,
          );
          progress();
          return;
        }
        budget.settle(estimate, outcome.usage.costUsd);
        outputEstimate.observe(outcome.usage.outputTokens, outcome.requests);
        await saveRating(study, identity, outcome, { fromCache: false, score: services.score });
        if (outcome.status === 'ok') summary.rated++;
        else {
          summary.failed++;
          log(
            `session ${ref.sessionId} replicate ${replicate}: the answer failed validation twice (${outcome.failure?.length ?? 0} problems); stored as failed with the reasons`,
          );
        }
        addUsage(summary, outcome.usage);
        done++;
        progress();
      } finally {
        await turn.lease.release();
      }
    },
    { signal },
  );
  if (budgetStopped) {
    log(
      `budget of $${opts.budgetUsd} reached: ${notStarted} rating${notStarted === 1 ? '' : 's'} not requested; run again with a larger --budget to continue`,
    );
  }
  return { summary, total, notStarted, interrupted: signal.aborted, transcripts: handling };
}

function handlingFor(rater: Rater, study: Study): TranscriptHandling {
  // A replay must see the transcript exactly as the run it replays did, whatever this machine's policy says.
  if (rater.replayedHandling) return rater.replayedHandling;
  return transcriptHandling(rater, study.config);
}
