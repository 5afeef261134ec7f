import { describe, expect, it } from 'vitest';
import { AnthropicConfig } from '../providers/anthropic/anthropic-config';
import { createAnthropicRater } from '../providers/anthropic/anthropic-rater';
import { OpenAIConfig } from '../providers/openai/openai-config';
import { createOpenAIRater } from '../providers/openai/openai-rater';
import { ProviderError } from '../providers/provider-error';
import type { RateRequest } from '../rater';
import { useLoopbackServer } from '../testing/use-loopback-server';
import { DEFAULT_RETRY_POLICY, retryDelayMs, withRetries, type RetryPolicy } from './retry';

const server = useLoopbackServer();

const answer = { forms: [], signals: [], ruptures: [] };
const prompt = { version: 'v', hash: 'h', build: () => ({ system: 's', transcript: 't', task: 'k' }) };
const openai = () =>
  createOpenAIRater({
    name: 'o',
    env: {},
    prompt,
    config: OpenAIConfig.parse({ provider: 'openai', model: 'm', baseUrl: server.openaiBaseUrl }),
  });
const anthropic = () =>
  createAnthropicRater({
    name: 'a',
    env: {},
    prompt,
    config: AnthropicConfig.parse({ provider: 'anthropic', model: 'm', baseUrl: server.anthropicBaseUrl }),
  });
const req = (signal: AbortSignal): RateRequest => ({
  transcript: { sessionId: 'C01/1', transcriptId: 't', contentHash: 'h', utterances: [] },
  forms: [],
  replicate: 1,
  signal,
});
const fast: RetryPolicy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2000 };
const never = new AbortController().signal;

describe('retry policy over real HTTP', () => {
  it('honours retry-after on 429 before trying again', async () => {
    server.enqueue(
      { kind: 'status', status: 429, headers: { 'retry-after': '1' } },
      { kind: 'answer', output: answer },
    );
    const rater = openai();
    const delays: number[] = [];
    const res = await withRetries((signal) => rater.rate(req(signal)), fast, never, {
      onRetry: (_e, _a, d) => delays.push(d),
    });
    expect(res.output).toEqual(answer);
    expect(server.requests).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(1000);
    expect(server.requests[1]!.receivedAt - server.requests[0]!.receivedAt).toBeGreaterThanOrEqual(1000);
  });

  it('retries 5xx, timeouts and dropped connections, then succeeds', async () => {
    server.enqueue(
      { kind: 'status', status: 500 },
      { kind: 'drop' },
      { kind: 'delay', ms: 3000, then: { kind: 'answer', output: answer } },
      { kind: 'status', status: 529 },
      { kind: 'answer', output: answer },
    );
    const rater = anthropic();
    const kinds: string[] = [];
    const res = await withRetries((signal) => rater.rate(req(signal)), { ...fast, timeoutMs: 300 }, never, {
      onRetry: (e) => kinds.push(e.kind),
    });
    expect(res.output).toEqual(answer);
    expect(kinds).toEqual(['server', 'connection', 'timeout', 'server']);
    expect(server.requests).toHaveLength(5);
  });

  it('gives up after maxAttempts and surfaces the last error', async () => {
    server.enqueue(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 502 })));
    const rater = openai();
    const err = await withRetries((signal) => rater.rate(req(signal)), { ...fast, maxAttempts: 3 }, never).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.status).toBe(502);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a request the server rejected', async () => {
    server.enqueue({ kind: 'status', status: 404, message: 'no such model' }, { kind: 'answer', output: answer });
    const rater = openai();
    const err = await withRetries((signal) => rater.rate(req(signal)), fast, never).catch((e) => e);
    expect(err.kind).toBe('rejected');
    expect(server.requests).toHaveLength(1);
    server.reset();
    server.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '600' } });
    const tooLong = await withRetries((signal) => rater.rate(req(signal)), fast, never).catch((e) => e);
    expect(tooLong.message).toMatch(/asks to wait 600 s/);
  });

  it('stops waiting between attempts when the run is interrupted', async () => {
    server.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '30' } });
    const rater = openai();
    const run = new AbortController();
    setTimeout(() => run.abort(), 200);
    const started = Date.now();
    const err = await withRetries((signal) => rater.rate(req(signal)), fast, run.signal).catch((e) => e);
    expect(err.kind).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('backoff', () => {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
  const server500 = new ProviderError({ kind: 'server', message: 'x', status: 500 });
  it('doubles the ceiling per attempt up to the cap, with full jitter', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(server500, a, policy, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(retryDelayMs(server500, 3, policy, () => 0)).toBe(0);
    expect(retryDelayMs(server500, 3, policy, () => 0.5)).toBe(200);
  });
  it('takes retry-after as a floor with at most 10% jitter', () => {
    const limited = new ProviderError({ kind: 'rate-limit', message: 'x', status: 429, retryAfterMs: 2000 });
    expect(retryDelayMs(limited, 1, policy, () => 0)).toBe(2000);
    expect(retryDelayMs(limited, 1, policy, () => 1)).toBe(2200);
  });
});
