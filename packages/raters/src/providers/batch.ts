import type { RateRequest, RateResponse } from '../rater';
import type { InvalidAnswerError } from './provider-error';

/** One request of a batch: the id the provider hands back with its result (the cache key), and what to ask. */
export interface BatchLine {
  customId: string;
  request: RateRequest;
}

/**
 * What the store knows of a submission whose provider id was never stored: its tag (the store's id), when it was
 * reserved, how many requests it held, and the provider ids the store already knows (those are not it).
 */
export interface BatchProbe {
  tag: string;
  reservedAt: string;
  lines: number;
  known: ReadonlySet<string>;
}

/**
 * A submission is looked for among the provider's batches created from a little before its reservation (clocks
 * differ) to a while after (the submission's own retries).
 */
export const PROBE_BEFORE_MS = 10 * 60_000;
export const PROBE_AFTER_MS = 60 * 60_000;

/** Whether a batch created at `createdMs` could be the probe's submission. */
export function inProbeWindow(probe: BatchProbe, createdMs: number): boolean {
  const at = Date.parse(probe.reservedAt);
  return createdMs >= at - PROBE_BEFORE_MS && createdMs <= at + PROBE_AFTER_MS;
}

/** A batch the provider accepted. */
export interface SubmittedBatch {
  providerBatchId: string;
  providerStatus: string;
}

/**
 * Where a batch is, as the run needs to know it: still working, or ended (completed, expired, cancelled or
 * failed: whatever results there are can be fetched). `done` and `total` count requests, for progress.
 */
export interface BatchPoll {
  ended: boolean;
  providerStatus: string;
  done: number;
  total: number;
  /**
   * Set when the batch as a whole failed (the provider refused its file): every key it holds fails with this
   * reason, built from codes only.
   */
  failure?: string;
}

/**
 * The result of one line. An answer is priced at the batch price; an answer the validator cannot even look at is
 * an InvalidAnswerError, as in a live call, and goes to the repair round. `failed` carries a reason built from the
 * status, error type and code only (never the provider's text, which may echo the request).
 */
export type BatchResult =
  | { customId: string; kind: 'answer'; response: RateResponse }
  | { customId: string; kind: 'invalid'; error: InvalidAnswerError }
  | { customId: string; kind: 'failed'; reason: string }
  | { customId: string; kind: 'expired' | 'cancelled' };

/**
 * A provider's batch API, as the rate run drives it (src/run/batch-run.ts): submit lines, poll, fetch the
 * results. The run owns what goes in a batch, the store's record of it, validation and storing; a client only
 * speaks the provider's wire format. Errors are ProviderErrors, retried by the run's policy like live calls.
 */
export interface BatchClient {
  /** `tag` is the store's id of the batch; the client leaves it with the provider where the API has room for it. */
  submit(lines: BatchLine[], tag: string, signal?: AbortSignal): Promise<SubmittedBatch>;
  /**
   * The batch a run reserved and submitted but was killed before it stored the provider's id: the run that finds
   * such a reservation asks here before it sends the keys again, so a kill never pays for a batch twice.
   */
  find(probe: BatchProbe, signal?: AbortSignal): Promise<SubmittedBatch | undefined>;
  poll(providerBatchId: string, signal?: AbortSignal): Promise<BatchPoll>;
  results(providerBatchId: string, signal?: AbortSignal): Promise<BatchResult[]>;
}

/**
 * How long a batch answer took: from the batch's creation until its results were read. OpenAI gives the creation
 * in seconds since the epoch, Anthropic as an RFC 3339 time.
 */
export function batchLatencyMs(createdAt: number | string | undefined, now = Date.now()): number {
  const ms = typeof createdAt === 'number' ? createdAt * 1000 : createdAt ? Date.parse(createdAt) : Number.NaN;
  return Number.isFinite(ms) ? Math.max(0, now - ms) : 0;
}
