import type { Usage, UtteranceText } from '@alliance-lab/core';
import type { BatchClient } from './providers/batch';
import type { RaterOutput } from './result-schema';

/** An utterance as a rater sees it: de-identified text with its stable id (core's utterance schema, picked). */
export type RatableUtterance = UtteranceText;

export interface RatableTranscript {
  sessionId: string;
  transcriptId: string;
  /** Hash of the (de-identified) utterances; part of the cache key. */
  contentHash: string;
  utterances: RatableUtterance[];
}

/** One observer form to rate, e.g. { instrument: 'wai-o-s', form: 'observer' }. */
export interface FormRequest {
  instrument: string;
  form: string;
}

export interface RateRequest {
  transcript: RatableTranscript;
  forms: FormRequest[];
  replicate: number;
  /** Set on the repair round: the previous answer and what was wrong with it. */
  feedback?: { previous: unknown; errors: string[] };
  signal?: AbortSignal;
}

export interface RateResponse {
  /** The rater's answer as parsed JSON; validated against RaterOutput and the transcript by the caller. */
  output: unknown;
  usage: Usage;
}

/**
 * One interface for every provider. A rater reads one transcript and answers for all requested forms and the
 * signals in one call, so providers' prefix caching applies across forms and replicates.
 */
export interface Rater {
  /** The study's name for this configuration (study.json "raters"). */
  readonly name: string;
  readonly provider: string;
  readonly model: string;
  /** Prompt template version and hash of the rendered template (without the transcript). */
  readonly prompt: { version: string; hash: string };
  /** True when requests leave this machine (decides de-identification and remoteProviders: forbid). */
  readonly remote: boolean;
  /** Where requests go, for raters that send any (remoteProviders: forbid checks its host). */
  readonly baseUrl?: string;
  /**
   * How transcripts must be prepared whatever the study's policy says: a replay sees them exactly as the run it
   * replays did, so its stored quotes still match.
   */
  readonly replayedHandling?: 'as-is' | 'deidentified';
  rate(req: RateRequest): Promise<RateResponse>;
  /** The provider's batch API (`alliance rate --batch`), for raters whose provider has one. */
  readonly batch?: BatchClient;
}

export type { RaterOutput };
