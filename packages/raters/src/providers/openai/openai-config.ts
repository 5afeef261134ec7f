import { z } from 'zod';
import { endpointOptionFields, modelRaterFields } from '../rater-config';

/** A study.json rater entry with "provider": "openai" (OpenAI or any server speaking its API). */
export const OpenAIConfig = z.strictObject({
  ...modelRaterFields,
  provider: z.literal('openai'),
  options: z
    .strictObject({
      ...endpointOptionFields,
      /** Start in JSON mode instead of strict structured output (servers without JSON schema support). */
      jsonMode: z.boolean().default(false),
      /** Which length parameter to send; by default max_completion_tokens on api.openai.com, max_tokens elsewhere. */
      maxTokensParam: z.enum(['max_tokens', 'max_completion_tokens']).optional(),
    })
    .prefault({}),
});
export type OpenAIConfig = z.output<typeof OpenAIConfig>;
