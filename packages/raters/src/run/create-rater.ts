import { UsageError, type RaterConfig, type Study } from '@alliance-lab/core';
import { InstrumentLookupError, type InstrumentRegistry } from '@alliance-lab/instruments';
import { createPromptRenderer } from '../prompts/prompt-renderer';
import { createAnthropicRater } from '../providers/anthropic';
import { createLexiconRater } from '../providers/lexicon';
import { createOpenAIRater } from '../providers/openai';
import type { ProviderContext } from '../providers/provider-context';
import { createReplayRater } from '../providers/replay';
import { parseForms } from './rate-run';
import type { PreparedRater } from './run-services';

/**
 * The provider behind a named configuration. Model providers get their prompt from the one renderer (the
 * configured prompt version, the configured forms, item labels from the study's instrument registry); lexicon
 * and replay send no prompt.
 */
export async function createRater(
  study: Study,
  registry: InstrumentRegistry,
  name: string,
  config: RaterConfig,
  env: Record<string, string | undefined>,
): Promise<PreparedRater> {
  try {
    switch (config.provider) {
      case 'lexicon':
        return { rater: createLexiconRater({ name, config, studyDir: study.dir, forms: registry }) };
      case 'replay':
        return { rater: await createReplayRater(study, name, config) };
      case 'openai':
      case 'anthropic': {
        const renderer = createPromptRenderer({
          version: config.promptVersion,
          forms: parseForms(config.forms),
          catalog: registry,
        });
        const ctx: ProviderContext = {
          name,
          config,
          env,
          prompt: { version: renderer.version, hash: renderer.hash, build: renderer.build },
        };
        const rater = config.provider === 'openai' ? createOpenAIRater(ctx) : createAnthropicRater(ctx);
        return { rater, prompt: { tokens: renderer.tokens, utteranceTokens: renderer.utteranceTokens } };
      }
    }
  } catch (err) {
    if (err instanceof InstrumentLookupError) throw new UsageError(`rater "${name}": ${err.message}`);
    throw err;
  }
}
