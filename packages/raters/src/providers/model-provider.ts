import { UsageError } from '@alliance-lab/core';
import { InstrumentLookupError } from '@alliance-lab/instruments';
import { createPromptRenderer } from '../prompts/prompt-renderer';
import type { Rater } from '../rater';
import { parseForms } from '../run/forms';
import type { FactoryDeps, PreparedRater } from './provider';
import type { ModelConfig, ProviderContext } from './provider-context';

/**
 * The shared half of a model provider's factory: its prompt comes from the one renderer (the configured prompt
 * version and forms, item labels from the study's instruments), and the run gets the prompt's token estimates.
 */
export function promptedRater<C extends ModelConfig>(
  ctx: FactoryDeps & { name: string; config: C },
  make: (pc: ProviderContext<C>) => Rater,
): PreparedRater {
  try {
    const renderer = createPromptRenderer({
      version: ctx.config.promptVersion,
      forms: parseForms(ctx.config.forms),
      catalog: ctx.instruments,
    });
    const rater = make({
      name: ctx.name,
      config: ctx.config,
      env: ctx.env,
      prompt: { version: renderer.version, hash: renderer.hash, build: renderer.build },
    });
    return { rater, prompt: { tokens: renderer.tokens, utteranceTokens: renderer.utteranceTokens } };
  } catch (err) {
    if (err instanceof InstrumentLookupError) throw new UsageError(`rater "${ctx.name}": ${err.message}`);
    throw err;
  }
}
