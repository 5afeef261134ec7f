import type { RaterConfig, Score, StoredRating, Study } from '@alliance-lab/core';
import type { FormRequest, RatableTranscript, Rater } from '../rater';
import type { RaterOutput } from '../result-schema';

export type Validation = { ok: true; value: RaterOutput } | { ok: false; errors: string[] };

/**
 * What a run needs from the rest of the package and from packages/instruments, gathered in one place so the
 * runner reads as the policy it is (what is asked, retried, cached, stored) and each concern stays in its module.
 */
export interface RunServices {
  /** The provider behind a named configuration (src/run/create-rater.ts). */
  createRater(study: Study, name: string, config: RaterConfig, env: Record<string, string | undefined>): Promise<Rater>;
  /**
   * Input tokens a request for this transcript would take, the whole prompt included; undefined for raters
   * that send no prompt (lexicon, replay).
   */
  promptTokens(rater: Rater, transcript: RatableTranscript, forms: FormRequest[]): number | undefined;
  /** Token estimate of each utterance as the prompt shows it (for chunking). */
  utteranceTokens(transcript: RatableTranscript): number[];
  /** Schema, scale and evidence checks; errors are readable by the model for the repair round. */
  validate(output: unknown, transcript: RatableTranscript, forms: FormRequest[]): Validation;
  /** Replaces names and identifiers, storing the mapping in the study; the same input gives the same output. */
  deidentify(study: Study, transcript: RatableTranscript): Promise<RatableTranscript>;
  /** Scale scores for a rating's item values. */
  score(forms: StoredRating['forms'], ratingId: string): Score[];
}
