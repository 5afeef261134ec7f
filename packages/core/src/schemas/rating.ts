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
  createdAt: z.string(),
});
export type StoredRating = z.infer<typeof StoredRating>;
