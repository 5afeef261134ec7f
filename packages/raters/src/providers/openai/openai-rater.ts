import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { z } from 'zod';
import type { RateRequest, RateResponse, Rater } from '../../rater';
import { RaterOutput } from '../../result-schema';
import { repairMessage } from '../chat-prompt';
import { InvalidAnswerError, ProviderError, kindForStatus, priceUsage, retryAfterFromHeaders } from '../provider-error';
import { connectionMessage, failureMessage } from '../../run/error-scrub';
import type { BatchClient } from '../batch';
import { resolveEndpoint, type ProviderContext } from '../provider-context';
import { batchPrice, type Price } from '../rater-config';
import { openaiBatchClient } from './openai-batch';
import type { OpenAIConfig } from './openai-config';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** The structured-output format, generated once from the zod schema (the SDK's helper speaks zod 4). */
const RESPONSE_FORMAT = zodResponseFormat(RaterOutput, 'rater_output');

/** For servers without strict JSON schema: the same schema, described in the prompt, checked by zod afterwards. */
const JSON_MODE_NOTE = `Answer with one JSON object that satisfies this JSON schema:\n${JSON.stringify(z.toJSONSchema(RaterOutput))}`;

/**
 * `openai:MODEL`: chat completions through the openai SDK, on OpenAI or any server that speaks its API
 * (vLLM, Ollama, llama.cpp server, LM Studio, Azure OpenAI's v1 endpoint).
 */
export class OpenAIRater implements Rater {
  readonly name: string;
  readonly provider = 'openai';
  readonly model: string;
  readonly prompt: { version: string; hash: string };
  readonly remote: boolean;
  readonly baseUrl: string;
  private readonly client: OpenAI;
  private readonly ctx: ProviderContext<OpenAIConfig>;
  /**
   * Set once a server has refused strict JSON schema; every later request of the run goes straight to JSON
   * mode instead of paying for the refusal again.
   */
  private jsonMode: boolean;
  private batchClient: BatchClient | undefined;

  constructor(ctx: ProviderContext<OpenAIConfig>) {
    this.ctx = ctx;
    this.name = ctx.name;
    this.model = ctx.config.model;
    this.prompt = { version: ctx.prompt.version, hash: ctx.prompt.hash };
    const endpoint = resolveEndpoint(ctx, {
      api: 'OpenAI',
      baseUrlEnv: 'OPENAI_BASE_URL',
      keyEnv: 'OPENAI_API_KEY',
      defaultBaseUrl: OPENAI_DEFAULT_BASE_URL,
    });
    this.baseUrl = endpoint.baseUrl;
    this.remote = endpoint.remote;
    this.jsonMode = ctx.config.options.jsonMode;
    this.client = new OpenAI({
      apiKey: endpoint.apiKey,
      baseURL: this.baseUrl,
      // Retries and time limits are the runner's policy (src/run/retry.ts), so they are the same for every
      // provider and testable; the SDK must not retry behind its back.
      maxRetries: 0,
      timeout: 60 * 60 * 1000,
    });
  }

  /** OpenAI's Batch API, on api.openai.com or a compatible server that implements it (vLLM). */
  get batch(): BatchClient {
    this.batchClient ??= openaiBatchClient({
      name: this.name,
      client: this.client,
      baseUrl: this.baseUrl,
      params: (req) => this.params(req),
      answer: (completion, latencyMs) => this.answer(completion, latencyMs, batchPrice(this.ctx.config.price)),
      toProviderError: (err) => toProviderError(err, this.baseUrl),
    });
    return this.batchClient;
  }

  /** Whether this rater has fallen back to JSON mode (for the run summary and tests). */
  get usesJsonMode(): boolean {
    return this.jsonMode;
  }

  async rate(req: RateRequest): Promise<RateResponse> {
    const jsonMode = this.jsonMode;
    try {
      return await this.request(req, jsonMode);
    } catch (err) {
      if (err instanceof ProviderError && err.schemaRejected && !jsonMode) {
        this.jsonMode = true;
        return this.request(req, true);
      }
      throw err;
    }
  }

  private async request(req: RateRequest, jsonMode: boolean): Promise<RateResponse> {
    const params = this.params(req, jsonMode);
    const started = performance.now();
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.client.chat.completions.create(params, { signal: req.signal });
    } catch (err) {
      throw toProviderError(err, this.baseUrl);
    }
    return this.answer(completion, performance.now() - started, this.ctx.config.price);
  }

  /** The request body of one rating, live or as a line of a batch file (the same body either way). */
  params(req: RateRequest, jsonMode = this.jsonMode): ChatCompletionCreateParamsNonStreaming {
    const p = this.ctx.prompt.build(req);
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: jsonMode ? `${p.system}\n\n${JSON_MODE_NOTE}` : p.system },
      { role: 'user', content: p.transcript },
      { role: 'user', content: p.task },
    ];
    if (req.feedback) {
      const prev = req.feedback.previous;
      // An unparsable answer goes back as the text it was, so the model sees what it wrote.
      messages.push({
        role: 'assistant',
        content: typeof prev === 'string' ? prev || '(empty answer)' : JSON.stringify(prev),
      });
      messages.push({ role: 'user', content: repairMessage(req.feedback.errors) });
    }
    const cfg = this.ctx.config;
    return {
      model: this.model,
      messages,
      temperature: cfg.temperature,
      response_format: jsonMode ? { type: 'json_object' } : RESPONSE_FORMAT,
      ...(cfg.seed !== undefined ? { seed: cfg.seed + req.replicate - 1 } : {}),
      // OpenAI's newer models refuse max_tokens; many compatible servers only know max_tokens.
      ...(this.maxTokensParam() === 'max_completion_tokens'
        ? { max_completion_tokens: cfg.maxTokens }
        : { max_tokens: cfg.maxTokens }),
    };
  }

  /**
   * A completion (a live response, or the body of a batch result line) as the run's answer, priced at `price`;
   * an answer the validator cannot look at is an InvalidAnswerError.
   */
  answer(completion: OpenAI.Chat.Completions.ChatCompletion, latencyMs: number, price: Price): RateResponse {
    const cfg = this.ctx.config;
    const usage = priceUsage(
      {
        input: completion.usage?.prompt_tokens ?? 0,
        output: completion.usage?.completion_tokens ?? 0,
        cached: completion.usage?.prompt_tokens_details?.cached_tokens ?? 0,
      },
      price,
      latencyMs,
    );
    const choice = completion.choices?.[0];
    const content = choice?.message.content ?? '';
    if (!choice) throw new InvalidAnswerError(['the server returned no choices'], usage, '');
    if (choice.message.refusal)
      throw new InvalidAnswerError(['the model refused to answer'], usage, choice.message.refusal);
    if (choice.finish_reason === 'length') {
      throw new InvalidAnswerError(
        [`the answer was cut off at the ${cfg.maxTokens}-token limit; answer more briefly (short rationales)`],
        usage,
        content,
      );
    }
    let output: unknown;
    try {
      output = JSON.parse(content);
    } catch {
      // The parser's message would quote the answer, which may quote the transcript: say where, not what.
      throw new InvalidAnswerError(
        [`the answer is not valid JSON (${content.length} characters); answer with one JSON object and nothing else`],
        usage,
        content,
      );
    }
    return { output, usage };
  }

  private maxTokensParam(): 'max_completion_tokens' | 'max_tokens' {
    return (
      this.ctx.config.options.maxTokensParam ??
      (this.baseUrl === OPENAI_DEFAULT_BASE_URL ? 'max_completion_tokens' : 'max_tokens')
    );
  }
}

export function createOpenAIRater(ctx: ProviderContext<OpenAIConfig>): OpenAIRater {
  return new OpenAIRater(ctx);
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
    const body = err.error as { message?: unknown } | undefined;
    const detail = typeof body?.message === 'string' ? body.message : undefined;
    // Servers word this differently (OpenAI names the param; vLLM, Ollama and llama.cpp put it in the message),
    // so any 400 that points at response_format or json_schema counts.
    const schemaRejected = status === 400 && /response_format|json_schema/i.test(`${err.param ?? ''} ${detail ?? ''}`);
    return new ProviderError({
      kind: kindForStatus(status),
      status,
      retryAfterMs: retryAfterFromHeaders(err.headers),
      message: failureMessage({
        api: 'openai-compatible server',
        status,
        type: err.type,
        code: err.code,
        requestId: err.requestID,
      }),
      schemaRejected,
    });
  }
  return err;
}
