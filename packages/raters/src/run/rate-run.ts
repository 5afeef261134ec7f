import { join } from 'node:path';
import {
  DEFAULT_LEASE_OPTIONS,
  type LeaseOptions,
  type RatingIdentity,
  type RatingKey,
  type RatingOutcome,
  STUDY_FILE,
  type Study,
  UsageError,
  awaitCacheTurn,
  newLeaseHolder,
} from '@alliance-lab/core';
import { ProviderError } from '../providers/provider-error';
import { configureRater } from '../providers/registry';
import type { RaterConfig } from '../providers/rater-config';
import type { FormRequest, RatableTranscript, Rater } from '../rater';
import { rateOnce } from './ask';
import { Budget, OutputEstimate } from './budget';
import { describeError } from './describe-error';
import { type Job, alreadyAnswered, onePreparationPerTranscript, parseForms, planJobs, ratingIdentity } from './plan';
import { runPool } from './pool';
import { transcriptHandling, type TranscriptHandling } from './privacy';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry';
import type { PromptEstimates, RunServices } from './run-services';
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
   * Send the requests through the provider's batch API (batch-run.ts) at the batch price, polling until the
   * batches end; a batch already sent for these keys (by a run that was stopped) is polled, not sent again.
   */
  batch?: boolean;
  /** How often a batch is polled (default 30 s; tests use a few milliseconds). */
  batchPollMs?: number;
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
  /** With --batch: batches sent by this run, and batches sent before that it polled and ingested. */
  batches?: { submitted: number; resumed: number };
}

/** What a run has settled before it asks anything, shared by the live path and the batch path (batch-run.ts). */
export interface RunState {
  study: Study;
  opts: RateOptions;
  services: RunServices;
  rater: Rater;
  config: RaterConfig;
  prompt: PromptEstimates | undefined;
  handling: TranscriptHandling;
  forms: FormRequest[];
  policy: RetryPolicy;
  signal: AbortSignal;
  log: (m: string) => void;
  refs: TranscriptRef[];
  replicates: number;
  /** The transcript as the rater sees it; `prepared` shares one preparation among a transcript's replicates. */
  transcriptOf: (ref: TranscriptRef) => Promise<RatableTranscript>;
  prepared: (ref: TranscriptRef) => Promise<RatableTranscript>;
  summary: RunSummary;
  total: number;
  tally: { done: number; notStarted: number; budgetStopped: boolean };
  budget: Budget;
  outputEstimate: OutputEstimate;
  existing: Map<string, RatingKey>;
  lease: LeaseOptions;
  progress: () => void;
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
  const tally = { done: 0, notStarted: 0, budgetStopped: false };
  const run: RunState = {
    study,
    opts,
    services,
    rater,
    config,
    prompt,
    handling,
    forms,
    policy,
    signal,
    log,
    refs,
    replicates,
    transcriptOf: prepare,
    prepared: onePreparationPerTranscript(prepare, replicates),
    summary,
    total,
    tally,
    budget: new Budget(opts.budgetUsd),
    outputEstimate: new OutputEstimate(config.maxTokens),
    existing: await existingRatings(study, opts.rater),
    lease: { ...DEFAULT_LEASE_OPTIONS, holder: newLeaseHolder(), ...opts.lease },
    progress: () => opts.onProgress?.({ ...summary, done: tally.done, total }),
  };

  let batches: RunResult['batches'];
  if (opts.batch) {
    const { rateInBatches } = await import('./batch-run');
    batches = await rateInBatches(run);
  } else {
    // A job whose key another run holds goes to the back of the queue once, so this run asks other keys meanwhile;
    // the second time round it waits for the holder's answer.
    const jobs: LiveJob[] = planJobs(refs, replicates);
    await rateLive(run, jobs);
  }
  if (tally.budgetStopped) {
    const n = tally.notStarted;
    log(
      `budget of $${opts.budgetUsd} reached: ${n} rating${n === 1 ? '' : 's'} not requested; run again with a larger --budget to continue`,
    );
  }
  return {
    summary,
    total,
    notStarted: tally.notStarted,
    interrupted: signal.aborted,
    transcripts: handling,
    ...(batches ? { batches } : {}),
  };
}

type LiveJob = Job & { deferred?: boolean };

/** Asks each job's rating live through the pool (the jobs list grows when a held key is deferred). */
export async function rateLive(run: RunState, jobs: LiveJob[]): Promise<void> {
  await runPool(jobs, run.opts.concurrency ?? DEFAULT_CONCURRENCY, (job) => liveJob(run, job, jobs), {
    signal: run.signal,
  });
}

async function liveJob(run: RunState, job: LiveJob, jobs: LiveJob[]): Promise<void> {
  const { study, opts, services, rater, config, prompt, forms, summary, tally, signal, log } = run;
  const { ref, replicate } = job;
  const t = await run.prepared(ref);
  const windows = opts.chunk && prompt ? windowsFor(t, rater, forms, config, prompt) : null;
  const identity = ratingIdentity({
    name: opts.rater,
    rater,
    config,
    ref,
    transcript: t,
    replicate,
    handling: run.handling,
    windows,
  });
  if (opts.select && !(await opts.select(identity))) return;

  if (!opts.noCache) {
    const hit = await alreadyAnswered(study, run.existing, identity);
    if (hit) {
      if (hit !== 'stored') await saveRating(study, identity, hit, { fromCache: true, score: services.score });
      summary.cached++;
      tally.done++;
      run.progress();
      return;
    }
  }

  if (signal.aborted) return;
  // Claim the key, so a run sharing the study does not ask the same thing; one holding it answers for us.
  const turn = await awaitCacheTurn(study, identity.cacheKey, {
    ...run.lease,
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
    tally.done++;
    run.progress();
    return;
  }
  // Released however the request ends: stored, failed, over budget or aborted.
  try {
    const estimate = estimateCost(t, windows, forms, config, prompt, run.outputEstimate);
    if (tally.budgetStopped || !run.budget.tryReserve(estimate)) {
      tally.budgetStopped = true;
      tally.notStarted++;
      return;
    }
    const call = { rater, forms, replicate, services, policy: run.policy, signal, log };
    let outcome: RatingOutcome;
    try {
      outcome = windows && windows.length > 1 ? await rateWindows(t, windows, call) : await rateOnce(t, call);
    } catch (err) {
      const spent = err instanceof ProviderError ? err.spent : undefined;
      run.budget.settle(estimate, spent?.costUsd ?? 0);
      if (!(err instanceof ProviderError)) throw err;
      if (spent) addUsage(summary, spent);
      if (err.kind === 'aborted') return;
      // Not stored: the transcript was never rated, so the next run asks again.
      summary.failed++;
      tally.done++;
      log(
        `session ${ref.sessionId} replicate ${replicate}: ${describeError(err)}; not stored, the next run retries it`,
      );
      run.progress();
      return;
    }
    run.budget.settle(estimate, outcome.usage.costUsd);
    run.outputEstimate.observe(outcome.usage.outputTokens, outcome.requests);
    await saveRating(study, identity, outcome, { fromCache: false, score: services.score });
    if (outcome.status === 'ok') summary.rated++;
    else {
      summary.failed++;
      log(
        `session ${ref.sessionId} replicate ${replicate}: the answer failed validation twice (${outcome.failure?.length ?? 0} problems); stored as failed with the reasons`,
      );
    }
    addUsage(summary, outcome.usage);
    tally.done++;
    run.progress();
  } finally {
    await turn.lease.release();
  }
}

function handlingFor(rater: Rater, study: Study): TranscriptHandling {
  // A replay must see the transcript exactly as the run it replays did, whatever this machine's policy says.
  if (rater.replayedHandling) return rater.replayedHandling;
  return transcriptHandling(rater, study.config);
}
