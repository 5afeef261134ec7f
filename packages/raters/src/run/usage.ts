import type { Usage } from '@alliance-lab/core';
import type { RaterConfig } from '../providers/rater-config';
import type { FormRequest, RatableTranscript } from '../rater';
import type { OutputEstimate } from './budget';
import { type TranscriptWindow, windowTranscript } from './chunk';
import { ratableHash } from './run-transcripts';
import type { PromptEstimates } from './run-services';

export const noUsage = (): Usage => ({ inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, latencyMs: 0 });

/** Adds a request's usage into a running total (a run's summary has no latency; a rating's outcome does). */
export function addUsage(
  into: Pick<Usage, 'inputTokens' | 'outputTokens' | 'cachedTokens' | 'costUsd'> & { latencyMs?: number },
  u: Usage,
): void {
  into.inputTokens += u.inputTokens;
  into.outputTokens += u.outputTokens;
  into.cachedTokens += u.cachedTokens;
  into.costUsd += u.costUsd;
  if (into.latencyMs !== undefined) into.latencyMs += u.latencyMs;
}

export function addedUsage(a: Usage | undefined, b: Usage): Usage {
  const sum = noUsage();
  if (a) addUsage(sum, a);
  addUsage(sum, b);
  return sum;
}

/**
 * What one rating is expected to cost before it is asked, for the --budget guard: the prompt's input tokens
 * (every window's, when chunked) and the output estimate per request, at the rater's prices. Zero for raters
 * without a prompt or a price.
 */
export function estimateCost(
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
