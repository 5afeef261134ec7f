import type { Score, StoredRating } from '@alliance-lab/core';
import type { PreparedRater, PromptEstimates } from '../providers/provider';
import type { ConfiguredRater } from '../providers/registry';
import type { FormRequest, RatableTranscript } from '../rater';
import type { Validation } from '../validate/validate-output';

/**
 * What a run needs from the rest of the package and from packages/instruments, bound to one study (its
 * instrument registry, its name list, its store). Gathered here so the runner reads as the policy it is (what is
 * asked, retried, cached, stored) while each concern stays in its own module; src/run/default-services.ts wires
 * the real ones.
 */
export interface RunServices {
  createRater(rater: ConfiguredRater, env: Record<string, string | undefined>): Promise<PreparedRater>;
  /** Schema, scale and evidence checks; errors are readable by the model for the repair round. */
  validate(output: unknown, transcript: RatableTranscript, forms: FormRequest[]): Validation;
  /** Replaces names and identifiers and keeps the mapping in the study store; the same input gives the same output. */
  deidentify(transcript: RatableTranscript): Promise<RatableTranscript>;
  /** Scale scores of a rating's item values. */
  score(forms: StoredRating['forms'], ratingId: string): Score[];
  /** Decimals a form's scale allows (chunked ratings round their mean item values to it). */
  decimals(instrument: string, form: string): number;
}

export type { PreparedRater, PromptEstimates };
