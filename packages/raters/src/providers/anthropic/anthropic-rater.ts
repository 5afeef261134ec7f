import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming, MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import { z } from 'zod';
import type { RateRequest, RateResponse, Rater } from '../../rater';
import { RaterOutput } from '../../result-schema';
import { repairMessage } from '../chat-prompt';
import { InvalidAnswerError, ProviderError, kindForStatus, priceUsage, retryAfterFromHeaders } from '../provider-error';
import { connectionMessage, failureMessage } from '../../run/error-scrub';
import type { BatchClient } from '../batch';
import { resolveEndpoint, type ProviderContext } from '../provider-context';
import { batchPrice, type Price } from '../rater-config';
import { anthropicBatchClient } from './anthropic-batch';
import type { AnthropicConfig } from './anthropic-config';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** Anthropic bills writing a 5-minute cache entry at 1.25 times the input price. */
export const CACHE_WRITE_MULTIPLIER = 1.25;

export const TOOL_NAME = 'record_rating';

/** The structured output is the forced tool's input; its schema is the RaterOutput zod schema. */
const INPUT_SCHEMA = (() => {
  const { $schema: _drop, ...schema } = z.toJSONSchema(RaterOutput) as Record<string, unknown>;
  return schema as Tool.InputSchema;
})();

/** `anthropic:MODEL`: the messages API through @anthropic-ai/sdk, answering through one forced tool call. */
export class AnthropicRater implements Rater {
  readonly name: string;
  readonly provider = 'anthropic';
  readonly model: string;
  readonly prompt: { version: string; hash: string };
  readonly remote: boolean;
  readonly baseUrl: string;
  private readonly client: Anthropic;
  private readonly ctx: ProviderContext<AnthropicConfig>;
  private readonly tool: Tool;
  private batchClient: BatchClient | undefined;

  constructor(ctx: ProviderContext<AnthropicConfig>) {
    this.ctx = ctx;
    this.name = ctx.name;
    this.model = ctx.config.model;
    this.prompt = { version: ctx.prompt.version, hash: ctx.prompt.hash };
    const endpoint = resolveEndpoint(ctx, {
      api: 'Anthropic',
      baseUrlEnv: 'ANTHROPIC_BASE_URL',
      keyEnv: 'ANTHROPIC_API_KEY',
      defaultBaseUrl: ANTHROPIC_DEFAULT_BASE_URL,
    });
    this.baseUrl = endpoint.baseUrl;
    this.remote = endpoint.remote;
    this.client = new Anthropic({
      apiKey: endpoint.apiKey,
      baseURL: this.baseUrl,
      // The runner owns retries and time limits (src/run/retry.ts).
      maxRetries: 0,
      timeout: 60 * 60 * 1000,
    });
    this.tool = {
      name: TOOL_NAME,
      description:
        'Record the rating of this transcript: item values for every requested form, the five-domain signals, and the rupture episodes.',
      input_schema: INPUT_SCHEMA,
      // Strict tool use guarantees the schema where the model supports it; older models refuse the field.
      ...(ctx.config.options.strictTool ? { strict: true } : {}),
    };
  }

  async rate(req: RateRequest): Promise<RateResponse> {
    const params = this.params(req);
    const started = performance.now();
    let message: Anthropic.Message;
    try {
      message = await this.client.messages.create(params, { signal: req.signal });
    } catch (err) {
      throw toProviderError(err, this.baseUrl);
    }
    return this.answer(message, performance.now() - started, this.ctx.config.price);
  }

  /** Anthropic's Message Batches, with the same request params as a live call. */
  get batch(): BatchClient {
    this.batchClient ??= anthropicBatchClient({
      name: this.name,
      client: this.client,
      baseUrl: this.baseUrl,
      params: (req) => this.params(req),
      answer: (message, latencyMs) => this.answer(message, latencyMs, batchPrice(this.ctx.config.price)),
      toProviderError: (err) => toProviderError(err, this.baseUrl),
    });
    return this.batchClient;
  }

  /** The request params of one rating, live or as a request of a message batch. */
  params(req: RateRequest): MessageCreateParamsNonStreaming {
    const p = this.ctx.prompt.build(req);
    const cfg = this.ctx.config;
    const messages: MessageParam[] = [
      {
        role: 'user',
        content: [
          // The breakpoint sits on the transcript: tools, system and transcript form the cached prefix, shared by
          // every form set and replicate of this session; the task text after it varies freely.
          { type: 'text', text: p.transcript, cache_control: { type: 'ephemeral' } },
          { type: 'text', text: p.task },
        ],
      },
    ];
    if (req.feedback) {
      const prev = req.feedback.previous;
      if (prev !== null && typeof prev === 'object' && !Array.isArray(prev)) {
        const id = 'toolu_previous_answer';
        messages.push({
          role: 'assistant',
          content: [{ type: 'tool_use', id, name: TOOL_NAME, input: prev as Record<string, unknown> }],
        });
        messages.push({
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: id, is_error: true, content: repairMessage(req.feedback.errors) },
          ],
        });
      } else {
        // The previous answer was not a tool call (text instead): show the text, then ask for the call.
        messages.push({
          role: 'assistant',
          content: [{ type: 'text', text: typeof prev === 'string' && prev ? prev : '(no answer)' }],
        });
        messages.push({ role: 'user', content: [{ type: 'text', text: repairMessage(req.feedback.errors) }] });
      }
    }
    const params: MessageCreateParamsNonStreaming = {
      model: this.model,
      max_tokens: cfg.maxTokens,
      system: p.system,
      tools: [this.tool],
      tool_choice: { type: 'tool', name: TOOL_NAME },
      messages,
    };
    // The API has deprecated sampling parameters and newer models refuse them (so SDK 1.x dropped the field);
    // older models still honour temperature when asked to send it.
    if (cfg.options.sendTemperature) Object.assign(params, { temperature: cfg.temperature });
    return params;
  }

  /** A message (a live response, or a batch's succeeded result) as the run's answer, priced at `price`. */
  answer(message: Anthropic.Message, latencyMs: number, price: Price): RateResponse {
    const cfg = this.ctx.config;
    const u = message.usage;
    const cached = u.cache_read_input_tokens ?? 0;
    const cacheWrite = u.cache_creation_input_tokens ?? 0;
    const usage = priceUsage(
      { input: u.input_tokens + cached + cacheWrite, output: u.output_tokens, cached, cacheWrite },
      price,
      latencyMs,
      CACHE_WRITE_MULTIPLIER,
    );
    const call = message.content.find((b) => b.type === 'tool_use' && b.name === TOOL_NAME);
    if (call?.type !== 'tool_use') {
      const text = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
      throw new InvalidAnswerError([`the answer must be a call of the ${TOOL_NAME} tool, not text`], usage, text);
    }
    if (message.stop_reason === 'max_tokens') {
      throw new InvalidAnswerError(
        [`the answer was cut off at the ${cfg.maxTokens}-token limit; answer more briefly (short rationales)`],
        usage,
        JSON.stringify(call.input),
      );
    }
    return { output: call.input, usage };
  }
}

export function createAnthropicRater(ctx: ProviderContext<AnthropicConfig>): AnthropicRater {
  return new AnthropicRater(ctx);
}

function toProviderError(err: unknown, baseUrl: string): ProviderError | unknown {
  if (err instanceof APIUserAbortError) return new ProviderError({ kind: 'aborted', message: 'request aborted' });
  if (err instanceof APIConnectionTimeoutError)
    return new ProviderError({ kind: 'timeout', message: 'request timed out' });
  if (err instanceof APIConnectionError) {
    return new ProviderError({ kind: 'connection', message: connectionMessage(baseUrl, err.cause) });
  }
  if (err instanceof APIError && err.status !== undefined) {
    const status = err.status;
    return new ProviderError({
      // 529 "overloaded" is Anthropic's way of saying "retry later".
      kind: status === 529 ? 'server' : kindForStatus(status),
      status,
      retryAfterMs: retryAfterFromHeaders(err.headers),
      message: failureMessage({ api: 'Anthropic API', status, type: err.type, requestId: err.requestID }),
    });
  }
  return err;
}
