import { z } from 'zod';

/** One queued rating: a transcript version × replicate of one rater, with what its cache key was made of. */
export const RatingJob = z.object({
  rater: z.string(),
  sessionId: z.string(),
  transcriptId: z.string(),
  replicate: z.number().int().min(1),
  /** The cache key at enqueue time; a worker rates exactly this key or reports the job stale. */
  cacheKey: z.string(),
  /** Replicates of the enqueuing run: the worker selects the session the same way. */
  replicates: z.number().int().min(1),
  chunk: z.boolean(),
});
export type RatingJob = z.infer<typeof RatingJob>;
