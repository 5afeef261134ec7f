import { InputError, type RatingOutcome } from '@alliance-lab/core';
import type { RaterConfig } from '../providers/rater-config';
import { ProviderError } from '../providers/provider-error';
import type { FormRequest, RatableTranscript, Rater } from '../rater';
import type { RaterOutput } from '../result-schema';
import { type CallContext, rateOnce } from './ask';
import { type TranscriptWindow, aggregateWindows, chunkWindows, windowTranscript } from './chunk';
import { ratableHash, type TranscriptRef } from './run-transcripts';
import type { PromptEstimates } from './run-services';
import { addUsage, addedUsage, noUsage } from './usage';

/** A transcript over the input budget, rated window by window and aggregated (see chunk.ts for how). */
export async function rateWindows(
  t: RatableTranscript,
  windows: TranscriptWindow[],
  c: CallContext,
): Promise<RatingOutcome> {
  const usage = noUsage();
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

/** The windows a transcript is rated in under --chunk; null when it fits the rater's input budget whole. */
export function windowsFor(
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

/** Without --chunk, a transcript over the input budget is refused before anything is asked. */
export async function refuseOverBudget(
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
