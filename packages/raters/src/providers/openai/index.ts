import { defineProvider } from '../provider';
import { promptedRater } from '../model-provider';
import { OpenAIConfig } from './openai-config';

export { OpenAIConfig } from './openai-config';

/** `openai`: chat completions through the openai SDK, which loads only when such a rater is created. */
export const openaiProvider = defineProvider({
  name: 'openai',
  config: OpenAIConfig,
  async create(ctx) {
    const { OpenAIRater } = await import('./openai-rater');
    return promptedRater(ctx, (pc) => new OpenAIRater(pc));
  },
});
