import type { Study } from '@alliance-lab/core';
import { afterEach, describe, expect, it } from 'vitest';
import { TOOL_NAME } from '../providers/anthropic/anthropic-rater';
import { useLoopbackServer } from '../testing/use-loopback-server';
import { createFixtureStudy, validAnswer } from '../testing/study-fixture';
import { defaultServices } from './default-services';
import { rateStudy } from './rate-run';

const server = useLoopbackServer();
const open: Study[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function fixture(raters: Parameters<typeof createFixtureStudy>[0]['raters']) {
  const { study } = await createFixtureStudy({ raters, clients: 3, sessionsPerClient: 2 });
  open.push(study);
  return study;
}
const run = (s: Study, rater: string, extra: Partial<Parameters<typeof rateStudy>[1]> = {}) =>
  rateStudy(s, { rater, services: defaultServices(s), env: {}, concurrency: 3, ...extra });

describe('providers in a run', () => {
  it('openai-compatible server without strict JSON schema: falls back to JSON mode once for the whole run', async () => {
    const s = await fixture({ local: { provider: 'openai', model: 'llama', baseUrl: server.openaiBaseUrl } });
    server.setHandler((req) =>
      req.body.response_format.type === 'json_schema'
        ? { kind: 'status', status: 400, message: 'json_schema response_format is not supported; use json_object' }
        : { kind: 'answer', output: validAnswer() },
    );
    const { summary } = await run(s, 'local', { concurrency: 1 });
    expect(summary).toMatchObject({ rated: 6, failed: 0 });
    const kinds = server.requests.map((r) => r.body.response_format.type);
    expect(kinds.filter((k) => k === 'json_schema')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'json_object')).toHaveLength(6);
  });

  it('JSON mode answers are still held to the schema by zod, through the repair round', async () => {
    const s = await fixture({
      local: { provider: 'openai', model: 'llama', baseUrl: server.openaiBaseUrl, options: { jsonMode: true } },
    });
    server.enqueue(
      { kind: 'answer', output: { forms: 'none', signals: [] } },
      { kind: 'answer', output: validAnswer() },
    );
    const { summary } = await run(s, 'local', { sessions: ['C01/1'] });
    expect(summary).toMatchObject({ rated: 1, failed: 0 });
    expect(server.requests[0]!.body.response_format).toEqual({ type: 'json_object' });
    const repair = server.requests[1]!.body.messages.at(-1).content as string;
    expect(repair).toMatch(/forms: /);
    expect(repair).toMatch(/ruptures: /);
  });

  it('anthropic: rates through the forced tool with the transcript cached, and counts cache reads', async () => {
    const s = await fixture({
      claude: {
        provider: 'anthropic',
        model: 'claude-test',
        baseUrl: server.anthropicBaseUrl,
        price: { inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3 },
      },
    });
    server.setHandler(() => ({
      kind: 'answer',
      output: validAnswer(),
      usage: { input: 1500, cached: 1200, output: 300 },
    }));
    const { summary } = await run(s, 'claude', { replicates: 2 });
    expect(summary).toEqual({
      rated: 12,
      failed: 0,
      cached: 0,
      inputTokens: 18000,
      outputTokens: 3600,
      cachedTokens: 14400,
      costUsd: expect.closeTo((12 * (300 * 3 + 1200 * 0.3 + 300 * 15)) / 1e6, 12),
    });
    for (const r of server.requests) {
      expect(r.body.tool_choice).toEqual({ type: 'tool', name: TOOL_NAME });
      const [transcript, task] = r.body.messages[0].content;
      expect(transcript.cache_control).toEqual({ type: 'ephemeral' });
      expect(transcript.text).toMatch(/^Transcript:\nu1 T: /);
      expect(task.cache_control).toBeUndefined();
      expect(task.text).toMatch(/wai-o-s:observer/);
    }
    // Both replicates of a session send the same cached prefix (system, tools, transcript).
    const prefix = (i: number) =>
      JSON.stringify([
        server.requests[i]!.body.system,
        server.requests[i]!.body.tools,
        server.requests[i]!.body.messages[0].content[0],
      ]);
    const bySession = new Map<string, Set<string>>();
    server.requests.forEach((r, i) => {
      const key = r.body.messages[0].content[0].text;
      bySession.set(key, (bySession.get(key) ?? new Set()).add(prefix(i)));
    });
    expect(bySession.size).toBe(6);
    for (const prefixes of bySession.values()) expect(prefixes.size).toBe(1);
  });

  it('replay: reproduces a stored run with no request, and a miss names the session', async () => {
    const s = await fixture({
      gpt: { provider: 'openai', model: 'gpt-test', baseUrl: server.openaiBaseUrl },
      'gpt-replayed': { provider: 'replay', options: { rater: 'gpt' } },
    });
    let n = 0;
    server.setHandler(() => ({ kind: 'answer', output: validAnswer(3 + (n++ % 3)) }));
    await run(s, 'gpt', { sessions: ['C01', 'C02'] });
    const asked = server.requests.length;
    const { summary } = await run(s, 'gpt-replayed', { sessions: ['C01', 'C02'] });
    expect(summary).toMatchObject({ rated: 4, failed: 0, costUsd: 0 });
    expect(server.requests).toHaveLength(asked);
    const rows = await s.db
      .selectFrom('ratings')
      .select(['rater', 'transcript_id', 'forms', 'signals', 'prompt_hash', 'model'])
      .orderBy('transcript_id')
      .execute();
    const by = (rater: string) => rows.filter((r) => r.rater === rater).map(({ rater: _r, ...rest }) => rest);
    expect(by('gpt-replayed')).toEqual(by('gpt'));
    const scores = await s.db
      .selectFrom('scores')
      .select(['source_id', 'scale', 'score'])
      .where('scale', '=', 'total')
      .execute();
    const total = (id: string) => scores.find((x) => x.source_id === id)!.score;
    expect(total('gpt-replayed/C01/1/v1/r1')).toBe(total('gpt/C01/1/v1/r1'));
    await expect(run(s, 'gpt-replayed', { sessions: ['C03/1'] })).rejects.toThrow(
      /replays "gpt", which has no stored answer for session C03\/1 replicate 1/,
    );
  });

  it('replay of a rater that never ran is a usage error', async () => {
    const s = await fixture({ 'gpt-replayed': { provider: 'replay', options: { rater: 'gpt' } } });
    await expect(run(s, 'gpt-replayed')).rejects.toThrow(/holds no ratings by "gpt"/);
  });
});
