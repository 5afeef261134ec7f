import type { ProviderContext } from '../provider-context';
import { OpenAIRater } from './openai-rater';

export { OPENAI_DEFAULT_BASE_URL, OpenAIRater } from './openai-rater';

export function createOpenAIRater(ctx: ProviderContext): OpenAIRater {
  return new OpenAIRater(ctx);
}
