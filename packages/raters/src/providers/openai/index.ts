import { defineProvider } from '../provider';
import { OpenAIConfig } from './openai-config';

export { OpenAIConfig } from './openai-config';

/** `openai`: chat completions through the openai SDK, which loads only when such a rater is created. */
export const openaiProvider = defineProvider({
  name: 'openai',
  config: OpenAIConfig,
  async create(ctx) {
    // The SDK and the prompt renderer load only now, not when study.json is checked.
    const [{ OpenAIRater }, { promptedRater }] = await Promise.all([
      import('./openai-rater'),
      import('../model-provider'),
    ]);
    return promptedRater(ctx, (pc) => new OpenAIRater(pc));
  },
});
