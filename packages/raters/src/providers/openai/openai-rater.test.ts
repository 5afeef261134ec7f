import { UsageError } from '@alliance-lab/core';
import { describe, expect, it } from 'vitest';
import type { RateRequest } from '../../rater';
import { openaiContext, rateRequest, sampleAnswer } from '../../testing/provider-test-kit';
import { useLoopbackServer } from '../../testing/use-loopback-server';
import { InvalidAnswerError, ProviderError } from '../provider-error';
import { createOpenAIRater } from './openai-rater';

const server = useLoopbackServer();

const answer = sampleAnswer;
const ctx = (config: Record<string, unknown> = {}, env: Record<string, string> = {}) =>
  openaiContext({ name: 'gpt', model: 'gpt-test', baseUrl: server.openaiBaseUrl }, config, env);
const request = (extra: Partial<RateRequest> = {}) => rateRequest({ replicate: 2, ...extra });

describe('openai provider over real HTTP', () => {
  it('asks for strict structured output and returns the parsed answer with usage and cost', async () => {
    server.enqueue({ kind: 'answer', output: answer, usage: { input: 2000, output: 500, cached: 1000 } });
    const rater = createOpenAIRater(
      ctx({
        seed: 40,
        temperature: 0.7,
        maxTokens: 900,
        price: { inputPerMillion: 2, outputPerMillion: 8, cachedInputPerMillion: 0.5 },
      }),
    );
    const res = await rater.rate(request());
    expect(res.output).toEqual(answer);
    expect(res.usage).toMatchObject({ inputTokens: 2000, outputTokens: 500, cachedTokens: 1000 });
    // 1000 uncached input at $2/M, 1000 cached at $0.5/M, 500 output at $8/M.
    expect(res.usage.costUsd).toBeCloseTo((1000 * 2 + 1000 * 0.5 + 500 * 8) / 1e6, 12);
    expect(res.usage.latencyMs).toBeGreaterThan(0);

    const body = server.requests[0]!.body;
    expect(server.requests[0]!.path).toBe('/v1/chat/completions');
    expect(body.model).toBe('gpt-test');
    expect(body.response_format.type).toBe('json_schema');
    expect(body.response_format.json_schema.strict).toBe(true);
    expect(body.response_format.json_schema.schema.required).toEqual(['forms', 'signals', 'ruptures']);
    expect(body.response_format.json_schema.schema.additionalProperties).toBe(false);
    // Replicate 2 samples with the next seed, so replicates differ even at a fixed seed.
    expect(body.seed).toBe(41);
    expect(body.temperature).toBe(0.7);
    // A compatible server gets max_tokens; only api.openai.com gets max_completion_tokens.
    expect(body.max_tokens).toBe(900);
    expect(body.max_completion_tokens).toBeUndefined();
    // The stable parts first, so the server's prefix cache applies across forms and replicates.
    expect(body.messages.map((m: { content: string }) => m.content)).toEqual(['SYSTEM', 'TRANSCRIPT C01/1', 'TASK']);
  });

  it('falls back to JSON mode when the server refuses json_schema, and remembers it for the run', async () => {
    server.enqueue(
      {
        kind: 'status',
        status: 400,
        message: "'response_format.type' json_schema is not supported by this server",
        param: 'response_format',
      },
      { kind: 'answer', output: answer },
      { kind: 'answer', output: answer },
    );
    const rater = createOpenAIRater(ctx());
    expect((await rater.rate(request())).output).toEqual(answer);
    expect(rater.usesJsonMode).toBe(true);
    expect(server.requests.map((r) => r.body.response_format.type)).toEqual(['json_schema', 'json_object']);
    // JSON mode carries the schema in the prompt instead.
    expect(server.requests[1]!.body.messages[0].content).toContain('"ruptures"');
    await rater.rate(request());
    expect(server.requests.map((r) => r.body.response_format.type)).toEqual([
      'json_schema',
      'json_object',
      'json_object',
    ]);
  });

  it('does not mistake other 400s for a schema refusal', async () => {
    server.enqueue({ kind: 'status', status: 400, message: 'model gpt-test does not exist' });
    const rater = createOpenAIRater(ctx());
    const err = await rater.rate(request()).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe('rejected');
    expect(err.retryable).toBe(false);
    expect(rater.usesJsonMode).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it('reports malformed JSON as an invalid answer without quoting it, usage kept', async () => {
    server.enqueue({ kind: 'text', text: '{"forms": [ "Sam said he', usage: { input: 100, output: 7 } });
    const err = await createOpenAIRater(ctx())
      .rate(request())
      .catch((e) => e);
    expect(err).toBeInstanceOf(InvalidAnswerError);
    expect(err.reasons[0]).toMatch(/not valid JSON/);
    expect(err.message).not.toContain('Sam said');
    expect(err.usage.outputTokens).toBe(7);
  });

  it('maps 429 with retry-after, 5xx and dropped connections to retryable errors, making one request each', async () => {
    const rater = createOpenAIRater(ctx());
    server.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '3' } });
    const limited = await rater.rate(request()).catch((e) => e);
    expect(limited).toMatchObject({ kind: 'rate-limit', status: 429, retryAfterMs: 3000, retryable: true });

    server.enqueue({ kind: 'status', status: 429, headers: { 'retry-after-ms': '250' } });
    expect(await rater.rate(request()).catch((e) => e)).toMatchObject({ retryAfterMs: 250 });

    server.enqueue({ kind: 'status', status: 503, message: 'overloaded' });
    const down = await rater.rate(request()).catch((e) => e);
    expect(down).toMatchObject({ kind: 'server', status: 503, retryable: true });
    // The server's own text is never kept: only status, error type and code, request id.
    expect(down.message).toBe('openai-compatible server answered 503 api_error');

    server.enqueue({ kind: 'drop' });
    expect(await rater.rate(request()).catch((e) => e)).toMatchObject({ kind: 'connection', retryable: true });
    // maxRetries 0: the SDK never retried on its own.
    expect(server.requests).toHaveLength(4);
  });

  it('stops at the caller’s signal', async () => {
    server.enqueue({ kind: 'delay', ms: 5000, then: { kind: 'answer', output: answer } });
    const signal = AbortSignal.timeout(100);
    const err = await createOpenAIRater(ctx())
      .rate(request({ signal }))
      .catch((e) => e);
    expect(err).toMatchObject({ kind: 'aborted' });
  });

  it('sends the repair round as the previous answer followed by the errors', async () => {
    server.enqueue({ kind: 'answer', output: answer });
    await createOpenAIRater(ctx()).rate(
      request({ feedback: { previous: { forms: [] }, errors: ['quote not found in u9', 'item 3 missing'] } }),
    );
    const msgs = server.requests[0]!.body.messages;
    expect(msgs).toHaveLength(5);
    expect(msgs[3]).toEqual({ role: 'assistant', content: '{"forms":[]}' });
    expect(msgs[4].role).toBe('user');
    expect(msgs[4].content).toContain('- quote not found in u9');
    expect(msgs[4].content).toContain('- item 3 missing');
  });

  it('needs a key for api.openai.com but not for a local server, and takes OPENAI_BASE_URL', async () => {
    expect(() => createOpenAIRater(ctx({ baseUrl: undefined }))).toThrow(UsageError);
    const viaEnv = createOpenAIRater(ctx({ baseUrl: undefined }, { OPENAI_BASE_URL: server.openaiBaseUrl }));
    expect(viaEnv.baseUrl).toBe(server.openaiBaseUrl);
    expect(viaEnv.remote).toBe(false);
    server.enqueue({ kind: 'answer', output: answer });
    await viaEnv.rate(request());
    expect(server.requests[0]!.headers.authorization).toBe('Bearer no-key-needed');
    const keyed = createOpenAIRater(ctx({ options: { apiKeyEnv: 'LAB_KEY' } }, { LAB_KEY: 'sk-lab' }));
    server.enqueue({ kind: 'answer', output: answer });
    await keyed.rate(request());
    expect(server.requests[1]!.headers.authorization).toBe('Bearer sk-lab');
    expect(createOpenAIRater(ctx({ baseUrl: undefined }, { OPENAI_API_KEY: 'sk' })).remote).toBe(true);
    expect(createOpenAIRater(ctx({ options: { remote: true } })).remote).toBe(true);
    expect(() => createOpenAIRater(ctx({ baseUrl: undefined }, { OPENAI_BASE_URL: 'localhost:8000' }))).toThrow(
      /OPENAI_BASE_URL is not an http\(s\) URL/,
    );
  });
});
