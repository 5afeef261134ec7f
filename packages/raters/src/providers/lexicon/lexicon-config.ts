import { z } from 'zod';
import { FormsField, NO_PROMPT_SETTINGS } from '../rater-config';

/** A study.json rater entry with "provider": "lexicon": which forms, and optionally another marker file. */
export const LexiconConfig = z
  .strictObject({
    provider: z.literal('lexicon'),
    forms: FormsField,
    model: z.string().min(1).default('lexicon-v1'),
    options: z
      .strictObject({
        /** A marker file instead of the shipped one, relative to the study folder. */
        markers: z.string().min(1, { error: 'options.markers must be the path of a marker file' }).optional(),
      })
      .prefault({}),
  })
  // Ratings have always recorded these params, so cache keys stay as they were.
  .transform((c) => ({ ...NO_PROMPT_SETTINGS, ...c }));
export type LexiconConfig = z.output<typeof LexiconConfig>;
