import type { RatingIdentity, RatingKey, RatingOutcome, Study } from '@alliance-lab/core';
import type { RaterConfig } from '../providers/rater-config';
import type { RatableTranscript, Rater } from '../rater';
import { cacheKey } from './cache-key';
import type { TranscriptWindow } from './chunk';
import type { TranscriptHandling } from './privacy';
import type { TranscriptRef } from './run-transcripts';
import { cachedAnswer, existingKey } from './store-rating';

/** One rating to obtain: a transcript and a replicate. */
export interface Job {
  ref: TranscriptRef;
  replicate: number;
}

/** Every transcript times every replicate, replicates of one transcript back to back. */
export function planJobs(refs: readonly TranscriptRef[], replicates: number): Job[] {
  return refs.flatMap((ref) => Array.from({ length: replicates }, (_, i) => ({ ref, replicate: i + 1 })));
}

export { parseForms } from './forms';

/**
 * Loads each transcript's prepared (possibly de-identified) text once for all its replicates, which run back to
 * back, and forgets it after the last.
 */
export function onePreparationPerTranscript(
  prepare: (ref: TranscriptRef) => Promise<RatableTranscript>,
  replicates: number,
): (ref: TranscriptRef) => Promise<RatableTranscript> {
  const memo = new Map<string, { t: Promise<RatableTranscript>; left: number }>();
  return (ref) => {
    let m = memo.get(ref.transcriptId);
    if (!m) memo.set(ref.transcriptId, (m = { t: prepare(ref), left: replicates }));
    if (--m.left === 0) memo.delete(ref.transcriptId);
    return m.t;
  };
}

/**
 * Who asks what of whom, with the cache key: the sampling settings as sent (the seed offset by the replicate),
 * how the transcript was handled, and the chunking when the transcript is rated in windows.
 */
export function ratingIdentity(p: {
  name: string;
  rater: Rater;
  config: RaterConfig;
  ref: TranscriptRef;
  transcript: RatableTranscript;
  replicate: number;
  handling: TranscriptHandling;
  windows: TranscriptWindow[] | null;
}): RatingIdentity {
  const { config, rater, replicate, transcript: t } = p;
  const params = {
    temperature: config.temperature,
    seed: config.seed === undefined ? null : config.seed + replicate - 1,
    maxTokens: config.maxTokens,
    transcript: p.handling,
    chunk:
      p.windows && p.windows.length > 1
        ? { maxInputTokens: config.maxInputTokens, overlap: config.chunkOverlap }
        : null,
  };
  return {
    rater: p.name,
    provider: rater.provider,
    model: rater.model,
    promptVersion: rater.prompt.version,
    promptHash: rater.prompt.hash,
    params,
    sessionId: p.ref.sessionId,
    transcriptId: p.ref.transcriptId,
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
}

/**
 * Whether a rating needs no request: 'stored' when this rater's stored rating already has the key, the cached
 * outcome when another rating (or an interrupted run) asked the same thing, undefined when it must be asked.
 */
export async function alreadyAnswered(
  study: Study,
  existing: ReadonlyMap<string, RatingKey>,
  identity: RatingIdentity,
): Promise<'stored' | RatingOutcome | undefined> {
  const prior = existing.get(existingKey(identity.transcriptId, identity.replicate));
  return prior?.cacheKey === identity.cacheKey ? 'stored' : cachedAnswer(study, identity.cacheKey);
}
