import { RaterFormSpec } from '@alliance-lab/core';
import { z } from 'zod';

/** Observer forms the rater fills in, as "instrument:form". */
export const FormsField = z.array(RaterFormSpec).min(1).default(['wai-o-s:observer']);

/** OpenAI's Batch API and Anthropic's Message Batches both bill half the live price, input and output alike. */
export const BATCH_PRICE_MULTIPLIER = 0.5;

const PRICE_FREE = {
  inputPerMillion: 0,
  outputPerMillion: 0,
  cachedInputPerMillion: 0,
  batchMultiplier: BATCH_PRICE_MULTIPLIER,
};

/** US dollars per million tokens, for the run's cost and budget. */
export const PriceField = z
  .strictObject({
    inputPerMillion: z.number().nonnegative().default(0),
    outputPerMillion: z.number().nonnegative().default(0),
    cachedInputPerMillion: z.number().nonnegative().default(0),
    /** What a request sent in a batch (`alliance rate --batch`) costs, as a fraction of the prices above. */
    batchMultiplier: z.number().min(0).max(1).default(BATCH_PRICE_MULTIPLIER),
  })
  .prefault(PRICE_FREE);

export type Price = z.output<typeof PriceField>;

/** The prices of a request sent in a batch: every per-million price times the batch multiplier. */
export function batchPrice(p: Price): Price {
  const m = p.batchMultiplier;
  return {
    inputPerMillion: p.inputPerMillion * m,
    outputPerMillion: p.outputPerMillion * m,
    cachedInputPerMillion: p.cachedInputPerMillion * m,
    batchMultiplier: m,
  };
}

export const DEFAULT_CHUNK_OVERLAP = 8;

/**
 * The top-level keys of a model provider's rater entry (openai, anthropic): everything that shapes a rating,
 * so all of it is part of the cache key, plus what the run reads (time limit, chunk overlap). Keys only the
 * provider itself reads go under "options", each provider with its own strict schema.
 */
export const modelRaterFields = {
  provider: z.string(),
  forms: FormsField,
  /** Required: there is no sensible default model to send to an API. */
  model: z.string({ error: 'a model provider needs "model" (the model name the API expects)' }).min(1),
  baseUrl: z.url().optional(),
  temperature: z.number().min(0).max(2).default(0),
  seed: z.number().int().optional(),
  promptVersion: z.string().min(1).default('v1'),
  maxTokens: z.number().int().positive().default(4096),
  /** Input budget in tokens; longer transcripts need --chunk. */
  maxInputTokens: z.number().int().positive().optional(),
  price: PriceField,
  /** Time limit of one attempt, in milliseconds (the retry policy's default otherwise). */
  timeoutMs: z.number().int().positive().optional(),
  /** Utterances a chunk window repeats from the one before (--chunk). */
  chunkOverlap: z.number().int().nonnegative().default(DEFAULT_CHUNK_OVERLAP),
};

/**
 * A rater configuration as the rate run reads it, whatever the provider. Every provider's schema yields this
 * shape (raters that send no prompt fill it with fixed values), plus its own typed "options".
 */
export const RaterConfig = z.object(modelRaterFields);
export type RaterConfig = z.output<typeof RaterConfig>;

/** What raters that send no prompt (lexicon, replay) record for the fields they have no use for. */
export const NO_PROMPT_SETTINGS = {
  temperature: 0,
  promptVersion: 'v1',
  maxTokens: 4096,
  price: PRICE_FREE,
  chunkOverlap: DEFAULT_CHUNK_OVERLAP,
} as const satisfies Partial<RaterConfig>;

/** Options every model provider reads: which variable holds the key, and whether a loopback URL is a tunnel. */
export const endpointOptionFields = {
  /** The environment variable holding the API key, instead of the provider's usual one. */
  apiKeyEnv: z.string().min(1).optional(),
  /** A loopback URL that leaves the machine anyway (an SSH tunnel to a rented GPU). */
  remote: z.boolean().default(false),
};
