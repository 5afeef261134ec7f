import { RaterConfig } from '@alliance-lab/core';
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

/**
 * What a model provider's factory receives in tests: a named configuration pointed at the loopback server, an
 * environment, and a fixed prompt whose parts are easy to find in the recorded request.
 */
export function providerContext(
  base: { name: string; provider: 'openai' | 'anthropic'; model: string; baseUrl: string },
  config: Partial<RaterConfig> = {},
  env: Record<string, string> = {},
): ProviderContext {
  return {
    name: base.name,
    config: RaterConfig.parse({ provider: base.provider, model: base.model, baseUrl: base.baseUrl, ...config }),
    env,
    prompt: {
      version: 'v-test',
      hash: 'h-test',
      build: (req) => ({ system: 'SYSTEM', transcript: `TRANSCRIPT ${req.transcript.sessionId}`, task: 'TASK' }),
    },
  };
}

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
