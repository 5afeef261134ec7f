import type { Usage } from '@alliance-lab/core';

export type ProviderErrorKind = 'rate-limit' | 'server' | 'timeout' | 'connection' | 'rejected' | 'aborted';

/**
 * A request that did not produce an answer. Providers translate their SDK's errors into this so the retry
 * policy (src/run/retry.ts) is one piece of code for every provider. Its message is built by
 * src/run/error-scrub.ts from the status, error type and code and request id only: the server's own text is
 * never kept, since a server may echo request text.
 */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  /** Set when the server refused structured output (a 400 naming response_format / json_schema). */
  readonly schemaRejected: boolean;
  /**
   * Set by the runner: what the rating had already spent when this request failed (the first answer before a
   * failed repair round, earlier windows of a chunked transcript), so the summary and the budget still count it.
   */
  spent: Usage | undefined;

  constructor(opts: {
    kind: ProviderErrorKind;
    message: string;
    status?: number;
    retryAfterMs?: number;
    schemaRejected?: boolean;
  }) {
    super(opts.message);
    this.name = 'ProviderError';
    this.kind = opts.kind;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
    this.schemaRejected = opts.schemaRejected ?? false;
  }

  get retryable(): boolean {
    return (
      this.kind === 'rate-limit' || this.kind === 'server' || this.kind === 'timeout' || this.kind === 'connection'
    );
  }
}

/**
 * The model answered, but not with something the validator can even look at (text that is not JSON, no tool
 * call). It goes to the repair round like a validation failure, and its usage still counts.
 */
export class InvalidAnswerError extends Error {
  readonly reasons: string[];
  readonly usage: Usage;
  readonly raw: string;
  constructor(reasons: string[], usage: Usage, raw: string) {
    super(reasons.join('; '));
    this.name = 'InvalidAnswerError';
    this.reasons = reasons;
    this.usage = usage;
    this.raw = raw;
  }
}

/** Retry-After as seconds or an HTTP date, or OpenAI's retry-after-ms; undefined when absent or unreadable. */
export function retryAfterFromHeaders(headers: { get(name: string): string | null } | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const s = headers.get('retry-after');
  if (s === null || s.trim() === '') return undefined;
  if (Number.isFinite(Number(s))) return Math.max(0, Number(s) * 1000);
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Maps an HTTP status to the retry policy's kinds: 408/409/429/5xx are worth retrying, other 4xx are not. */
export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 429) return 'rate-limit';
  if (status === 408) return 'timeout';
  if (status === 409 || status >= 500) return 'server';
  return 'rejected';
}

/** Usage and cost from token counts and the rater's price per million tokens. */
export function priceUsage(
  tokens: { input: number; output: number; cached: number; cacheWrite?: number },
  price: { inputPerMillion: number; outputPerMillion: number; cachedInputPerMillion: number },
  latencyMs: number,
  cacheWriteMultiplier = 1,
): Usage {
  const uncached = Math.max(0, tokens.input - tokens.cached - (tokens.cacheWrite ?? 0));
  const cost =
    (uncached * price.inputPerMillion +
      (tokens.cacheWrite ?? 0) * price.inputPerMillion * cacheWriteMultiplier +
      tokens.cached * price.cachedInputPerMillion +
      tokens.output * price.outputPerMillion) /
    1e6;
  return {
    inputTokens: tokens.input,
    outputTokens: tokens.output,
    cachedTokens: tokens.cached,
    costUsd: cost,
    latencyMs,
  };
}
