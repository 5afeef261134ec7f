import type { RateRequest, RateResponse } from '../rater';
import type { InvalidAnswerError } from './provider-error';

/** One request of a batch: the id the provider hands back with its result (the cache key), and what to ask. */
export interface BatchLine {
  customId: string;
  request: RateRequest;
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
  submit(lines: BatchLine[], signal?: AbortSignal): Promise<SubmittedBatch>;
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
