import { z } from 'zod';
import { FormsField, NO_PROMPT_SETTINGS } from '../rater-config';

const NEEDS_SOURCE = 'a replay rater names the rater whose stored run it replays, e.g. "options": { "rater": "gpt" }';

/** A study.json rater entry with "provider": "replay": which stored run to answer from. */
export const ReplayConfig = z
  .strictObject({
    provider: z.literal('replay'),
    forms: FormsField,
    options: z.strictObject(
      { rater: z.string({ error: NEEDS_SOURCE }).min(1, { error: NEEDS_SOURCE }) },
      { error: NEEDS_SOURCE },
    ),
  })
  // The model and prompt are the replayed run's; these are placeholders until the rater reads them.
  .transform((c) => ({ ...NO_PROMPT_SETTINGS, model: 'replay', ...c }));
export type ReplayConfig = z.output<typeof ReplayConfig>;
