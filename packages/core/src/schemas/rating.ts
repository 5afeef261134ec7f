import { z } from 'zod';
import { Form, ItemValues } from './response';

export const RatingStatus = z.enum(['ok', 'failed']);

export const Usage = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  latencyMs: z.number().nonnegative(),
});
export type Usage = z.infer<typeof Usage>;

/**
 * A stored rating: one rater's reading of one transcript version for one replicate. Signals and ruptures are
 * kept as the rater package's validated JSON; core stores and audits them without interpreting them.
 */
export const StoredRating = z.object({
  id: z.string(),
  sessionId: z.string(),
  transcriptId: z.string(),
  rater: z.string(),
  provider: z.string(),
  model: z.string(),
  promptVersion: z.string(),
  promptHash: z.string(),
  params: z.record(z.string(), z.unknown()),
  replicate: z.number().int().nonnegative(),
  status: RatingStatus,
  forms: z.array(z.object({ instrument: z.string(), form: Form, items: ItemValues })),
  signals: z.array(z.unknown()),
  ruptures: z.array(z.unknown()),
  failure: z.array(z.string()).optional(),
  usage: Usage,
  /** The rating cache entry it was answered from or stored as. */
  cacheKey: z.string(),
  createdAt: z.string(),
});
export type StoredRating = z.infer<typeof StoredRating>;

/**
 * Everything about a rating except its outcome: what the run asks for, and the hash of the transcript as the
 * rater saw it (the cache keeps it, so a replay can tell whether it is shown the same text).
 */
export const RatingIdentity = StoredRating.pick({
  rater: true,
  provider: true,
  model: true,
  promptVersion: true,
  promptHash: true,
  params: true,
  sessionId: true,
  transcriptId: true,
  replicate: true,
  cacheKey: true,
}).extend({ transcriptHash: z.string() });
export type RatingIdentity = z.infer<typeof RatingIdentity>;

/**
 * One rater call's final outcome, as the rating cache keeps it: the validated answer when ok, the last answer
 * given (parsed or raw text) when failed.
 */
export const RatingOutcome = z.object({
  status: RatingStatus,
  output: z.unknown(),
  failure: z.array(z.string()).nullable(),
  usage: Usage,
  /** Requests it took, the repair round included. */
  requests: z.number().int().nonnegative(),
});
export type RatingOutcome = z.infer<typeof RatingOutcome>;
