import { UsageError } from '@alliance-lab/core';
import { describe, expect, it } from 'vitest';
import type { RateRequest } from '../../rater';
import { anthropicContext, rateRequest, sampleAnswer } from '../../testing/provider-test-kit';
import { useLoopbackServer } from '../../testing/use-loopback-server';
import { InvalidAnswerError } from '../provider-error';
import { CACHE_WRITE_MULTIPLIER, TOOL_NAME, createAnthropicRater } from './anthropic-rater';

const server = useLoopbackServer();

const answer = sampleAnswer;
const ctx = (config: Record<string, unknown> = {}, env: Record<string, string> = {}) =>
  anthropicContext({ name: 'claude', model: 'claude-test', baseUrl: server.anthropicBaseUrl }, config, env);
const request = (extra: Partial<RateRequest> = {}) => rateRequest({ ...extra });

describe('anthropic provider over real HTTP', () => {
  it('forces one tool whose input schema is the rater schema, and returns its input', async () => {
    server.enqueue({ kind: 'answer', output: answer });
    const res = await createAnthropicRater(ctx({ maxTokens: 1234 })).rate(request());
    expect(res.output).toEqual(answer);
    const req = server.requests[0]!;
    expect(req.path).toBe('/v1/messages');
    expect(req.body.model).toBe('claude-test');
    expect(req.body.max_tokens).toBe(1234);
    expect(req.body.tools).toHaveLength(1);
    expect(req.body.tools[0].name).toBe(TOOL_NAME);
    expect(req.body.tools[0].input_schema.type).toBe('object');
    expect(req.body.tools[0].input_schema.required).toEqual(['forms', 'signals', 'ruptures']);
    expect(req.body.tools[0].input_schema.properties.signals.items.properties.domain.enum).toContain(
      'relationship-quality',
    );
    expect(req.body.tool_choice).toEqual({ type: 'tool', name: TOOL_NAME });
    expect(req.body.system).toBe('SYSTEM');
    // The API deprecated temperature; it is sent only when a configuration asks for it.
    expect(req.body.temperature).toBeUndefined();
    // SDK 1.x sends the key as a bearer token.
    expect(req.headers.authorization).toBe('Bearer no-key-needed');
  });

  it('puts the cache breakpoint on the transcript block, before the per-form task', async () => {
    server.enqueue({ kind: 'answer', output: answer });
    await createAnthropicRater(ctx()).rate(request());
    const content = server.requests[0]!.body.messages[0].content;
    expect(content).toEqual([
      { type: 'text', text: 'TRANSCRIPT C01/1', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'TASK' },
    ]);
    // Exactly one breakpoint in the whole request.
    expect(server.requests[0]!.raw.match(/cache_control/g)).toHaveLength(1);
  });

  it('counts cache reads and writes into usage and prices them', async () => {
    // 3000 input in all: 500 fresh, 2000 read from the cache, 500 written to it.
    server.enqueue({
      kind: 'answer',
      output: answer,
      usage: { input: 3000, cached: 2000, cacheWrite: 500, output: 400 },
    });
    const price = { inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3 };
    const res = await createAnthropicRater(ctx({ price })).rate(request());
    expect(res.usage).toMatchObject({ inputTokens: 3000, cachedTokens: 2000, outputTokens: 400 });
    expect(res.usage.costUsd).toBeCloseTo(
      (500 * 3 + 500 * 3 * CACHE_WRITE_MULTIPLIER + 2000 * 0.3 + 400 * 15) / 1e6,
      12,
    );
  });

  it('sends the repair round as an error tool_result for the previous call', async () => {
    server.enqueue({ kind: 'answer', output: answer });
    await createAnthropicRater(ctx()).rate(
      request({ feedback: { previous: { forms: [] }, errors: ['value 9 out of range 1–7 for item 4'] } }),
    );
    const msgs = server.requests[0]!.body.messages;
    expect(msgs.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(msgs[1].content[0]).toMatchObject({ type: 'tool_use', name: TOOL_NAME, input: { forms: [] } });
    expect(msgs[2].content[0]).toMatchObject({
      type: 'tool_result',
      tool_use_id: msgs[1].content[0].id,
      is_error: true,
    });
    expect(msgs[2].content[0].content).toContain('value 9 out of range 1–7 for item 4');
  });

  it('treats a text answer instead of the tool call as an invalid answer', async () => {
    server.enqueue({ kind: 'text', text: 'I think the alliance is strong.' });
    const err = await createAnthropicRater(ctx())
      .rate(request())
      .catch((e) => e);
    expect(err).toBeInstanceOf(InvalidAnswerError);
    expect(err.reasons[0]).toContain(TOOL_NAME);
  });

  it('maps 429, 529 and dropped connections to retryable errors without SDK retries', async () => {
    const rater = createAnthropicRater(ctx());
    server.enqueue(
      { kind: 'status', status: 429, headers: { 'retry-after': '2' } },
      { kind: 'status', status: 529 },
      { kind: 'drop' },
      { kind: 'status', status: 401 },
    );
    expect(await rater.rate(request()).catch((e) => e)).toMatchObject({
      kind: 'rate-limit',
      retryAfterMs: 2000,
      retryable: true,
    });
    expect(await rater.rate(request()).catch((e) => e)).toMatchObject({ kind: 'server', status: 529, retryable: true });
    expect(await rater.rate(request()).catch((e) => e)).toMatchObject({ kind: 'connection', retryable: true });
    expect(await rater.rate(request()).catch((e) => e)).toMatchObject({
      kind: 'rejected',
      status: 401,
      retryable: false,
    });
    expect(server.requests).toHaveLength(4);
  });

  it('sends temperature only when asked, and needs a key for api.anthropic.com', async () => {
    server.enqueue({ kind: 'answer', output: answer });
    await createAnthropicRater(ctx({ temperature: 0.4, options: { sendTemperature: true } })).rate(request());
    expect(server.requests[0]!.body.temperature).toBe(0.4);
    expect(() => createAnthropicRater(ctx({ baseUrl: undefined }))).toThrow(UsageError);
    expect(createAnthropicRater(ctx({ baseUrl: undefined }, { ANTHROPIC_API_KEY: 'k' })).remote).toBe(true);
  });
});
