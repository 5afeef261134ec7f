import { sha256, stableStringify } from '@alliance-lab/core';

/** Everything that changes a rater's answer. Two calls with equal parts may share one stored answer. */
export interface CacheKeyParts {
  provider: string;
  model: string;
  /** Sampling and length settings as sent (temperature, seed for this replicate, max tokens, chunking). */
  params: Record<string, unknown>;
  promptHash: string;
  /** Hash of the utterances as the rater saw them (de-identified when they were). */
  transcriptHash: string;
  /** "instrument:form", in the order requested. */
  forms: string[];
  replicate: number;
}

/** Bumped if the key's recipe ever changes, so old cache rows stop matching instead of matching wrongly. */
const RECIPE = 1;

export function cacheKey(parts: CacheKeyParts): string {
  return sha256(stableStringify({ recipe: RECIPE, ...parts }));
}
