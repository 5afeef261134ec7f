import { z } from 'zod';

/** A derived scale score for one response or rating. */
export const Score = z.object({
  source: z.enum(['response', 'rating']),
  sourceId: z.string(),
  instrument: z.string(),
  form: z.string(),
  scale: z.string(),
  score: z.number().nullable(),
  pomp: z.number().nullable(),
  prorated: z.boolean(),
  missing: z.boolean(),
});
export type Score = z.infer<typeof Score>;
