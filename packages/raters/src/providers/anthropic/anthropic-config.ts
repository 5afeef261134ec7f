import { z } from 'zod';
import { endpointOptionFields, modelRaterFields } from '../rater-config';

/** A study.json rater entry with "provider": "anthropic" (the messages API). */
export const AnthropicConfig = z.strictObject({
  ...modelRaterFields,
  provider: z.literal('anthropic'),
  options: z
    .strictObject({
      ...endpointOptionFields,
      /** Strict tool use, where the model supports it (older models refuse the field). */
      strictTool: z.boolean().default(false),
      /** Send the temperature (newer models refuse sampling parameters; it is recorded either way). */
      sendTemperature: z.boolean().default(false),
    })
    .prefault({}),
});
export type AnthropicConfig = z.output<typeof AnthropicConfig>;
