import type { ProviderContext } from '../provider-context';
import { AnthropicRater } from './anthropic-rater';

export { ANTHROPIC_DEFAULT_BASE_URL, AnthropicRater, CACHE_WRITE_MULTIPLIER, TOOL_NAME } from './anthropic-rater';

export function createAnthropicRater(ctx: ProviderContext): AnthropicRater {
  return new AnthropicRater(ctx);
}
