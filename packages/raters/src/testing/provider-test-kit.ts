import type { z } from 'zod';
import { AnthropicConfig } from '../providers/anthropic/anthropic-config';
import { OpenAIConfig } from '../providers/openai/openai-config';
import type { ProviderContext } from '../providers/provider-context';
import type { RateRequest } from '../rater';

/** A one-item answer on the WAI-O-S observer form, citing an utterance, as a model would return it. */
export const sampleAnswer = {
  forms: [
    {
      instrument: 'wai-o-s',
      form: 'observer',
      items: [{ item: '1', value: 5, rationale: 'agreed plan', evidence: ['u2'] }],
    },
  ],
  signals: [],
  ruptures: [],
};

type Base = { name: string; model: string; baseUrl: string };

/**
 * What a model provider's rater receives in tests: a named configuration (checked by the provider's schema)
 * pointed at the loopback server, an environment, and a fixed prompt whose parts are easy to find in the
 * recorded request.
 */
export function providerContext<C extends OpenAIConfig | AnthropicConfig>(
  schema: z.ZodType<C>,
  base: Base & { provider: C['provider'] },
  config: Record<string, unknown> = {},
  env: Record<string, string> = {},
): ProviderContext<C> {
  return {
    name: base.name,
    config: schema.parse({ provider: base.provider, model: base.model, baseUrl: base.baseUrl, ...config }),
    env,
    prompt: {
      version: 'v-test',
      hash: 'h-test',
      build: (req) => ({ system: 'SYSTEM', transcript: `TRANSCRIPT ${req.transcript.sessionId}`, task: 'TASK' }),
    },
  };
}

export const openaiContext = (base: Base, config?: Record<string, unknown>, env?: Record<string, string>) =>
  providerContext(OpenAIConfig, { ...base, provider: 'openai' }, config, env);
export const anthropicContext = (base: Base, config?: Record<string, unknown>, env?: Record<string, string>) =>
  providerContext(AnthropicConfig, { ...base, provider: 'anthropic' }, config, env);

/** A one-utterance transcript asking for the WAI-O-S observer form. */
export function rateRequest(extra: Partial<RateRequest> = {}): RateRequest {
  return {
    transcript: {
      sessionId: 'C01/1',
      transcriptId: 't1',
      contentHash: 'x',
      utterances: [{ id: 'u1', role: 'therapist', text: 'Hello there.' }],
    },
    forms: [{ instrument: 'wai-o-s', form: 'observer' }],
    replicate: 1,
    ...extra,
  };
}
