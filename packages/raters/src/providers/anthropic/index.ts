import { defineProvider } from '../provider';
import { promptedRater } from '../model-provider';
import { AnthropicConfig } from './anthropic-config';

export { AnthropicConfig } from './anthropic-config';

/** `anthropic`: the messages API through @anthropic-ai/sdk, which loads only when such a rater is created. */
export const anthropicProvider = defineProvider({
  name: 'anthropic',
  config: AnthropicConfig,
  async create(ctx) {
    const { AnthropicRater } = await import('./anthropic-rater');
    return promptedRater(ctx, (pc) => new AnthropicRater(pc));
  },
});
