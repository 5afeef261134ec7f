import type { Study } from '@alliance-lab/core';
import type { InstrumentRegistry } from '@alliance-lab/instruments';
import type { z } from 'zod';
import type { FormRequest, RatableTranscript, Rater } from '../rater';
import type { RaterConfig } from './rater-config';

/** A prompt's token estimates, for the input budget, chunking and the cost estimate. */
export interface PromptEstimates {
  /** Input tokens of a whole request for this transcript and these forms. */
  tokens(transcript: RatableTranscript, forms: readonly FormRequest[]): number;
  /** Tokens of each utterance as the prompt shows it (for chunking). */
  utteranceTokens(transcript: RatableTranscript): number[];
}

/** A rater ready for a run, with its prompt's token estimates when it sends a prompt (lexicon and replay do not). */
export interface PreparedRater {
  rater: Rater;
  prompt?: PromptEstimates;
}

/** What a provider's factory is given besides its parsed configuration. */
export interface FactoryDeps {
  study: Study;
  /** The study's instruments (built-in ones and its own): prompts and the lexicon's forms come from here. */
  instruments: InstrumentRegistry;
  /** Read for API keys and base URLs; never written to logs. */
  env: Record<string, string | undefined>;
}

/**
 * A provider plug-in, as a kysely dialect is one: its name, the strict schema of a rater entry that uses it,
 * and a factory. The factory may import() its SDK, so nothing heavy loads until a rater is created.
 */
export interface Provider<C extends RaterConfig = RaterConfig> {
  readonly name: string;
  readonly config: z.ZodType<C>;
  create(ctx: FactoryDeps & { name: string; config: C }): Promise<PreparedRater>;
}

export function defineProvider<C extends RaterConfig>(p: Provider<C>): Provider<C> {
  return p;
}
