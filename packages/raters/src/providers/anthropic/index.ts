import { defineProvider } from '../provider';
import { AnthropicConfig } from './anthropic-config';

export { AnthropicConfig } from './anthropic-config';

/** `anthropic`: the messages API through @anthropic-ai/sdk, which loads only when such a rater is created. */
export const anthropicProvider = defineProvider({
  name: 'anthropic',
  config: AnthropicConfig,
  async create(ctx) {
    // The SDK and the prompt renderer load only now, not when study.json is checked.
    const [{ AnthropicRater }, { promptedRater }] = await Promise.all([
      import('./anthropic-rater'),
      import('../model-provider'),
    ]);
    return promptedRater(ctx, (pc) => new AnthropicRater(pc));
  },
});
