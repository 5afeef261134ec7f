import { ProviderError } from '../providers/provider-error';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Backoff before the second attempt; doubles each time (capped at maxDelayMs), with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server asking for a longer pause than this fails the request instead of stalling the run. */
  maxRetryAfterMs: number;
  /** Per-attempt time limit. */
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
  timeoutMs: 180_000,
};

export interface RetryHooks {
  /** Replaceable for tests that check the jitter; Math.random otherwise. */
  random?: () => number;
  onRetry?: (err: ProviderError, attempt: number, delayMs: number) => void;
}

/**
 * How long to wait before attempt `attempt + 1`. A server's Retry-After is honoured as a floor (plus up to 10%
 * jitter so that many workers told the same pause do not return in lockstep); otherwise exponential backoff with
 * full jitter.
 */
export function retryDelayMs(
  err: ProviderError,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  if (err.retryAfterMs !== undefined) return err.retryAfterMs * (1 + 0.1 * random());
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return ceiling * random();
}

/**
 * Runs one request with the run's retry policy. Each attempt gets its own time limit; the run's signal (SIGINT)
 * stops both the attempt in flight and any pause between attempts.
 */
export async function withRetries<T>(
  attemptFn: (signal: AbortSignal, attempt: number) => Promise<T>,
  policy: RetryPolicy,
  runSignal: AbortSignal,
  hooks: RetryHooks = {},
): Promise<T> {
  const random = hooks.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    if (runSignal.aborted) throw abortedError();
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), policy.timeoutMs);
    const signal = AbortSignal.any([runSignal, timeout.signal]);
    let err: ProviderError;
    try {
      return await attemptFn(signal, attempt);
    } catch (e) {
      if (runSignal.aborted) throw abortedError();
      if (timeout.signal.aborted)
        err = new ProviderError({ kind: 'timeout', message: `no answer within ${policy.timeoutMs} ms` });
      else if (e instanceof ProviderError) err = e;
      else throw e;
    } finally {
      clearTimeout(timer);
    }
    if (!err.retryable || attempt >= policy.maxAttempts) throw err;
    if (err.retryAfterMs !== undefined && err.retryAfterMs > policy.maxRetryAfterMs) {
      throw new ProviderError({
        kind: err.kind,
        status: err.status,
        message: `${err.message} (the server asks to wait ${Math.round(err.retryAfterMs / 1000)} s, longer than the ${policy.maxRetryAfterMs / 1000} s this run waits)`,
      });
    }
    const delay = retryDelayMs(err, attempt, policy, random);
    hooks.onRetry?.(err, attempt, delay);
    await sleep(delay, runSignal);
  }
}

function abortedError(): ProviderError {
  return new ProviderError({ kind: 'aborted', message: 'interrupted' });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortedError());
    const onAbort = () => {
      clearTimeout(t);
      reject(abortedError());
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
