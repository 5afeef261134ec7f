import { join } from 'node:path';
import { InputError, STUDY_FILE, UsageError, type Study, type Usage } from '@alliance-lab/core';
import { InvalidAnswerError, ProviderError } from '../providers/provider-error';
import type { RaterConfig } from '../providers/rater-config';
import { configureRater } from '../providers/registry';
import type { FormRequest, RatableTranscript, RateRequest, Rater } from '../rater';
import type { RaterOutput } from '../result-schema';
import { Budget, OutputEstimate } from './budget';
import { cacheKey } from './cache-key';
import { aggregateWindows, chunkWindows, windowTranscript, type TranscriptWindow } from './chunk';
import { parseForms } from './forms';
import { runPool } from './pool';
import { transcriptHandling, type TranscriptHandling } from './privacy';
import {
  cachedOutcome,
  existingKey,
  existingRatings,
  storeRating,
  type Outcome,
  type RatingIdentity,
} from './rating-store';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from './retry';
import type { PreparedRater, RunServices } from './run-services';

type PromptEstimates = NonNullable<PreparedRater['prompt']>;
import { loadTranscript, ratableHash, selectTranscripts, type TranscriptRef } from './run-transcripts';

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
  /** Messages for the user (stderr). Never given transcript text. */
  log?: (message: string) => void;
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

  // Replicates of one transcript run back to back, so its prepared (possibly de-identified) text is loaded once.
  const preparedMemo = new Map<string, { t: Promise<RatableTranscript>; left: number }>();
  const prepared = (ref: TranscriptRef): Promise<RatableTranscript> => {
    let m = preparedMemo.get(ref.transcriptId);
    if (!m) preparedMemo.set(ref.transcriptId, (m = { t: prepare(ref), left: replicates }));
    if (--m.left === 0) preparedMemo.delete(ref.transcriptId);
    return m.t;
  };

  const jobs = refs.flatMap((ref) => Array.from({ length: replicates }, (_, i) => ({ ref, replicate: i + 1 })));
  await runPool(
    jobs,
    opts.concurrency ?? DEFAULT_CONCURRENCY,
    async ({ ref, replicate }) => {
      const t = await prepared(ref);
      const windows = opts.chunk && prompt ? windowsFor(t, rater, forms, config, prompt) : null;
      const params = {
        temperature: config.temperature,
        seed: config.seed === undefined ? null : config.seed + replicate - 1,
        maxTokens: config.maxTokens,
        transcript: handling,
        chunk:
          windows && windows.length > 1
            ? { maxInputTokens: config.maxInputTokens, overlap: config.chunkOverlap }
            : null,
      };
      const identity: RatingIdentity = {
        rater: opts.rater,
        provider: rater.provider,
        model: rater.model,
        promptVersion: rater.prompt.version,
        promptHash: rater.prompt.hash,
        params,
        sessionId: ref.sessionId,
        transcriptId: ref.transcriptId,
        transcriptHash: t.contentHash,
        replicate,
        cacheKey: cacheKey({
          provider: rater.provider,
          model: rater.model,
          params,
          promptHash: rater.prompt.hash,
          transcriptHash: t.contentHash,
          forms: config.forms,
          replicate,
        }),
      };

      if (!opts.noCache) {
        const prior = existing.get(existingKey(ref.transcriptId, replicate));
        const hit = prior?.cache_key === identity.cacheKey ? 'stored' : await cachedOutcome(study, identity.cacheKey);
        if (hit) {
          if (hit !== 'stored') await storeRating(study, identity, hit, { fromCache: true, score: services.score });
          summary.cached++;
          done++;
          progress();
          return;
        }
      }

      if (signal.aborted) return;
      const estimate = estimateCost(t, windows, forms, config, prompt, outputEstimate);
      if (budgetStopped || !budget.tryReserve(estimate)) {
        budgetStopped = true;
        notStarted++;
        return;
      }
      let outcome: Outcome;
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
      await storeRating(study, identity, outcome, { fromCache: false, score: services.score });
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

interface CallContext {
  rater: Rater;
  forms: FormRequest[];
  replicate: number;
  services: RunServices;
  policy: RetryPolicy;
  signal: AbortSignal;
  log: (m: string) => void;
}

/**
 * One rating of one transcript: ask, validate, and if the answer fails, send it back once with the specific
 * errors. A second failure is the outcome (stored as failed, never scored), not an exception.
 */
async function rateOnce(t: RatableTranscript, c: CallContext): Promise<Outcome> {
  const usage: Usage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, latencyMs: 0 };
  let requests = 0;
  const ask = async (feedback?: RateRequest['feedback']) => {
    const req: RateRequest = {
      transcript: t,
      forms: c.forms,
      replicate: c.replicate,
      ...(feedback ? { feedback } : {}),
    };
    let answer: unknown;
    let problems: string[] | null = null;
    try {
      const res = await withRetries((signal) => c.rater.rate({ ...req, signal }), c.policy, c.signal, {
        onRetry: (err, attempt, delay) =>
          c.log(`session ${t.sessionId}: ${describeError(err)}; retry ${attempt} in ${(delay / 1000).toFixed(1)} s`),
      });
      requests++;
      addUsage(usage, res.usage);
      answer = res.output;
    } catch (err) {
      if (!(err instanceof InvalidAnswerError)) throw err;
      requests++;
      addUsage(usage, err.usage);
      answer = err.raw;
      problems = err.reasons;
    }
    const v = problems ? { ok: false as const, errors: problems } : c.services.validate(answer, t, c.forms);
    return { answer, v };
  };
  const first = await ask();
  if (first.v.ok) return { status: 'ok', output: first.v.value, failure: null, usage, requests };
  const second = await ask({ previous: first.answer, errors: first.v.errors }).catch((err) => {
    if (err instanceof ProviderError) err.spent = addedUsage(err.spent, usage);
    throw err;
  });
  if (second.v.ok) return { status: 'ok', output: second.v.value, failure: null, usage, requests };
  return { status: 'failed', output: second.answer ?? null, failure: second.v.errors, usage, requests };
}

/** A transcript over the input budget, rated window by window and aggregated (see chunk.ts for how). */
async function rateWindows(t: RatableTranscript, windows: TranscriptWindow[], c: CallContext): Promise<Outcome> {
  const usage: Usage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, latencyMs: 0 };
  let requests = 0;
  const outputs: RaterOutput[] = [];
  const failures: string[] = [];
  for (const [i, w] of windows.entries()) {
    const o = await rateOnce(windowTranscript(t, w, ratableHash), c).catch((err) => {
      if (err instanceof ProviderError) err.spent = addedUsage(err.spent, usage);
      throw err;
    });
    addUsage(usage, o.usage);
    requests += o.requests;
    const label = `window ${i + 1} of ${windows.length} (utterances ${t.utterances[w.start]!.id}–${t.utterances[w.end - 1]!.id})`;
    if (o.status === 'ok') outputs.push(o.output as RaterOutput);
    else failures.push(...(o.failure ?? []).map((f) => `${label}: ${f}`));
  }
  if (failures.length) return { status: 'failed', output: null, failure: failures, usage, requests };
  return { status: 'ok', output: aggregateWindows(outputs, t, c.services.decimals), failure: null, usage, requests };
}

function windowsFor(
  t: RatableTranscript,
  rater: Rater,
  forms: FormRequest[],
  config: RaterConfig,
  prompt: PromptEstimates,
): TranscriptWindow[] | null {
  const max = config.maxInputTokens!;
  if (prompt.tokens(t, forms) <= max) return null;
  const overhead = prompt.tokens({ ...t, utterances: [], contentHash: 'empty' }, forms);
  const result = chunkWindows(
    prompt.utteranceTokens(t),
    max - overhead,
    config.chunkOverlap,
    (w) => prompt.tokens(windowTranscript(t, w, ratableHash), forms) <= max,
  );
  if (!Array.isArray(result)) {
    const u = t.utterances[result.tooLong];
    throw new InputError(
      `session ${t.sessionId}: utterance ${u?.id ?? '?'} alone does not fit rater "${rater.name}"'s input budget of ${max} tokens, so it cannot be chunked`,
    );
  }
  return result;
}

async function refuseOverBudget(
  refs: TranscriptRef[],
  prepare: (r: TranscriptRef) => Promise<RatableTranscript>,
  rater: Rater,
  forms: FormRequest[],
  config: RaterConfig,
  prompt: PromptEstimates,
): Promise<void> {
  const over: string[] = [];
  for (const ref of refs) {
    const tokens = prompt.tokens(await prepare(ref), forms);
    if (tokens > config.maxInputTokens!)
      over.push(`session ${ref.sessionId} needs about ${tokens.toLocaleString('en-US')} input tokens`);
  }
  if (over.length) {
    const shown = over.slice(0, 5).join('; ') + (over.length > 5 ? `; and ${over.length - 5} more` : '');
    throw new InputError(
      `${shown}: over rater "${rater.name}"'s input budget of ${config.maxInputTokens!.toLocaleString('en-US')} tokens (maxInputTokens); run with --chunk to rate ${over.length === 1 ? 'it' : 'them'} in overlapping windows`,
    );
  }
}

function estimateCost(
  t: RatableTranscript,
  windows: TranscriptWindow[] | null,
  forms: FormRequest[],
  config: RaterConfig,
  prompt: PromptEstimates | undefined,
  out: OutputEstimate,
): number {
  const p = config.price;
  if (!prompt || (p.inputPerMillion === 0 && p.outputPerMillion === 0)) return 0;
  const parts = windows && windows.length > 1 ? windows.map((w) => windowTranscript(t, w, ratableHash)) : [t];
  const input = parts.reduce((s, part) => s + prompt.tokens(part, forms), 0);
  return (input * p.inputPerMillion + parts.length * out.tokens * p.outputPerMillion) / 1e6;
}

function handlingFor(rater: Rater, study: Study): TranscriptHandling {
  // A replay must see the transcript exactly as the run it replays did, whatever this machine's policy says.
  if (rater.replayedHandling) return rater.replayedHandling;
  return transcriptHandling(rater, study.config);
}

export { parseForms } from './forms';

function addUsage(
  into: Pick<Usage, 'costUsd'> & {
    inputTokens: number;
    outputTokens: number;
    cachedTokens: number;
    latencyMs?: number;
  },
  u: Usage,
): void {
  into.inputTokens += u.inputTokens;
  into.outputTokens += u.outputTokens;
  into.cachedTokens += u.cachedTokens;
  into.costUsd += u.costUsd;
  if (into.latencyMs !== undefined) into.latencyMs += u.latencyMs;
}

function addedUsage(a: Usage | undefined, b: Usage): Usage {
  const sum: Usage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, latencyMs: 0 };
  if (a) addUsage(sum, a);
  addUsage(sum, b);
  return sum;
}

/**
 * An error for the log: the ProviderError's message, which error-scrub.ts built from status, error type and code
 * and request id only, so no provider text (which may echo the transcript) reaches a log or a message.
 */
export function describeError(err: ProviderError): string {
  return err.message;
}
