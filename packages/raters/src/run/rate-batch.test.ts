import { hostname } from 'node:os';
import {
  type Study,
  listRatingBatches,
  listRatings,
  openStudy,
  reserveRatingBatch,
  updateRatingBatch,
} from '@alliance-lab/core';
import { afterEach, describe, expect, it } from 'vitest';
import { TOOL_NAME } from '../providers/anthropic/anthropic-rater';
import { type Reply, startLoopbackServer } from '../testing/loopback-server';
import { createFixtureStudy, NAMES, validAnswer } from '../testing/study-fixture';
import { useLoopbackServer } from '../testing/use-loopback-server';
import { defaultServices } from './default-services';
import { type RateOptions, rateStudy } from './rate-run';
import { storeKinds, useStore } from '../../../../test/support/stores';

const ok: Reply = { kind: 'answer', output: validAnswer(), usage: { input: 1000, output: 200, cached: 400 } };
const server = useLoopbackServer((s) => s.setHandler(() => ok));

const price = { inputPerMillion: 2, outputPerMillion: 10, cachedInputPerMillion: 0.5 };
/** One `ok` answer live: 600 fresh + 400 cached input and 200 output tokens. */
const LIVE_COST = (600 * 2 + 400 * 0.5 + 200 * 10) / 1e6;
const fastRetry = { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 5000 };

const open: Study[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function fixture(
  extra: Parameters<typeof createFixtureStudy>[0]['raters'] = {},
  remote?: 'deidentified' | 'forbid',
) {
  const { study } = await createFixtureStudy({
    raters: {
      local: { provider: 'openai', model: 'llama', baseUrl: server.openaiBaseUrl, price },
      claude: { provider: 'anthropic', model: 'claude-test', baseUrl: server.anthropicBaseUrl, price },
      replayed: { provider: 'replay', options: { rater: 'local' } },
      ...extra,
    },
    ...(remote ? { remoteProviders: remote } : {}),
  });
  open.push(study);
  return study;
}

const rate = (study: Study, rater: string, opts: Partial<RateOptions> = {}) =>
  rateStudy(study, {
    rater,
    services: defaultServices(study),
    env: {},
    retry: fastRetry,
    batch: true,
    batchPollMs: 5,
    ...opts,
  });

/** Which fixture session a request (a batch line or a live call) is about: its last utterance names it. */
const sessionOf = (raw: string) => /\((C\d\d session \d+)\)/.exec(raw)?.[1];

describe.each(storeKinds)('rate --batch on %s', (kind) => {
  const store = useStore(kind);
  it('OpenAI-compatible: one JSONL batch, polled and ingested at half the live price; then live asks nothing', async () => {
    const s = await fixture();
    const r = await rate(s, 'local');
    expect(r.summary).toEqual({
      rated: 4,
      failed: 0,
      cached: 0,
      inputTokens: 4000,
      outputTokens: 800,
      cachedTokens: 1600,
      costUsd: expect.closeTo(4 * LIVE_COST * 0.5, 12),
    });
    expect(r.batches).toEqual({ submitted: 1, resumed: 0 });
    expect(server.batches.created).toBe(1);
    const calls = server.batches.calls.map((c) => c.replace(/(batches|files)\/[\w-]+/, '$1/ID'));
    expect(new Set(calls)).toEqual(
      new Set(['POST /v1/files', 'POST /v1/batches', 'GET /v1/batches/ID', 'GET /v1/files/ID/content']),
    );
    // Every line is a chat completion with the live request's body, its custom_id the rating's cache key.
    const lines = server.requests.filter((q) => q.batch);
    expect(lines).toHaveLength(4);
    expect(lines.every((q) => q.path === '/v1/chat/completions' && q.body.response_format.type === 'json_schema')).toBe(
      true,
    );
    const stored = await listRatings(s.db, { rater: 'local' });
    expect(stored.map((x) => x.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    const [record] = await listRatingBatches(s.db, { all: true });
    expect(record).toMatchObject({ status: 'ingested', provider: 'openai', providerStatus: 'completed' });
    expect(new Set(record!.requests.map((q) => q.key))).toEqual(new Set(stored.map((x) => x.cacheKey)));
    expect(record!.requests.every((q) => q.status === 'rated')).toBe(true);

    server.reset();
    const live = await rate(s, 'local', { batch: false });
    expect(live.summary).toMatchObject({ rated: 0, cached: 4, failed: 0 });
    expect(server.requests).toHaveLength(0);
    // And a replay of the batch run finds every answer in the cache under the same keys, asking nothing.
    const replay = await rate(s, 'replayed', { batch: false });
    expect(replay.summary).toMatchObject({ rated: 4, failed: 0 });
    expect(server.requests).toHaveLength(0);
  });

  it('Anthropic: one message batch with the live params, polled until ended, results read from results_url', async () => {
    const s = await fixture();
    const r = await rate(s, 'claude', { replicates: 2 });
    expect(r.summary).toMatchObject({ rated: 8, failed: 0, cached: 0 });
    expect(r.summary.costUsd).toBeCloseTo(8 * LIVE_COST * 0.5, 12);
    expect(server.batches.created).toBe(1);
    expect(server.batches.calls.some((c) => /^GET \/v1\/messages\/batches\/[\w-]+\/results$/.test(c))).toBe(true);
    const lines = server.requests.filter((q) => q.batch);
    expect(lines).toHaveLength(8);
    for (const q of lines) {
      expect(q.body.tool_choice).toEqual({ type: 'tool', name: TOOL_NAME });
      expect(q.body.messages[0].content[0].cache_control).toEqual({ type: 'ephemeral' });
    }
    const again = await rate(s, 'claude', { replicates: 2 });
    expect(again.summary).toMatchObject({ rated: 0, cached: 8 });
    expect(server.batches.created).toBe(1);
  });

  it('partial failure: errored lines are failed with reasons from codes only, the rest stored', async () => {
    const s = await fixture();
    server.setHandler((q) =>
      sessionOf(q.raw) === 'C01 session 2'
        ? { kind: 'status', status: 400, message: `bad request about ${NAMES[0]}` }
        : ok,
    );
    for (const rater of ['local', 'claude']) {
      const r = await rate(s, rater);
      expect(r.summary).toMatchObject({ rated: 3, failed: 1, cached: 0 });
    }
    const records = await listRatingBatches(s.db, { all: true });
    expect(records).toHaveLength(2);
    for (const b of records) {
      const failed = b.requests.filter((q) => q.status === 'failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]!.reason).toMatch(
        /answered 400 invalid_request_error|answered with an error invalid_request_error/,
      );
      expect(failed[0]!.reason).not.toContain(NAMES[0]!);
    }
    // Failed keys are not stored, so the next run sends them (and only them) again.
    server.setHandler(() => ok);
    const again = await rate(s, 'local');
    expect(again.summary).toMatchObject({ rated: 1, cached: 3, failed: 0 });
    expect(server.batches.created).toBe(3);
  });

  it('an answer that fails validation gets the repair round as a live request', async () => {
    const s = await fixture();
    server.setHandler((q) =>
      q.batch && sessionOf(q.raw) === 'C02 session 1'
        ? { kind: 'answer', output: { forms: [] }, usage: { input: 1000, output: 200, cached: 400 } }
        : ok,
    );
    const r = await rate(s, 'local');
    expect(r.summary).toMatchObject({ rated: 4, failed: 0 });
    const live = server.requests.filter((q) => !q.batch);
    expect(live).toHaveLength(1);
    expect(sessionOf(live[0]!.raw)).toBe('C02 session 1');
    expect(live[0]!.body.messages.at(-1).content).toMatch(/could not be accepted/);
    // The batch answer at the batch price, the repair at the live price.
    expect(r.summary.costUsd).toBeCloseTo(4 * LIVE_COST * 0.5 + LIVE_COST, 12);
  });

  it('an expired batch: the unanswered keys are reported failed, and the next run sends only them', async () => {
    const s = await fixture();
    server.batches.script({ outcome: 'expired', finishedLines: 2 });
    const r = await rate(s, 'local');
    expect(r.summary).toMatchObject({ rated: 2, failed: 2, cached: 0 });
    const [b] = await listRatingBatches(s.db, { all: true });
    expect(b!.requests.map((q) => q.status).sort()).toEqual(['expired', 'expired', 'rated', 'rated']);
    expect(b!.status).toBe('ingested');

    server.batches.script({});
    const again = await rate(s, 'local');
    expect(again.summary).toMatchObject({ rated: 2, cached: 2, failed: 0 });
    expect(server.requests.filter((q) => q.batch)).toHaveLength(6);
  });

  it('a batch cancelled midway (Anthropic): what was answered is stored, the rest reported cancelled', async () => {
    const s = await fixture();
    server.batches.script({ outcome: 'cancelled', finishedLines: 1, pollsInProgress: 2 });
    const r = await rate(s, 'claude');
    expect(r.summary).toMatchObject({ rated: 1, failed: 3 });
    const [b] = await listRatingBatches(s.db, { all: true });
    expect(b!.requests.filter((q) => q.status === 'cancelled')).toHaveLength(3);
    expect(b!.providerStatus).toBe('ended');
  });

  it('polls at the configured interval and reports progress without transcript text', async () => {
    const s = await fixture();
    server.batches.script({ pollsInProgress: 3 });
    const log: string[] = [];
    await rate(s, 'local', { log: (m) => log.push(m), batchPollMs: 1 });
    expect(log.filter((m) => /^batch batch_loopback_\d+: /.test(m))).toEqual([
      expect.stringMatching(/in_progress, 0 of 4 requests done$/),
      expect.stringMatching(/completed, 4 of 4 requests done$/),
    ]);
    expect(log.join('\n')).not.toMatch(/Maria|Sam|Elm Street|555-/);
  });

  it('de-identifies before a remote batch, and refuses a remote one under forbid before sending anything', async () => {
    const remote = { provider: 'openai', model: 'gpt', baseUrl: server.openaiBaseUrl, options: { remote: true } };
    const s = await fixture({ tunnel: remote }, 'deidentified');
    const r = await rate(s, 'tunnel');
    expect(r.transcripts).toBe('deidentified');
    const lines = server.requests.filter((q) => q.batch);
    expect(lines).toHaveLength(4);
    for (const q of lines) for (const name of NAMES) expect(q.raw).not.toContain(name);

    server.reset();
    store.another();
    const f = await fixture({ tunnel: remote }, 'forbid');
    await expect(rate(f, 'tunnel')).rejects.toThrow(/remoteProviders to "forbid"/);
    expect(server.batches.calls).toEqual([]);
  });

  it('frees the keys of a submission whose run died before the provider had it, and of a batch the provider lost', async () => {
    // Keys hang on the transcript's content and the rater's settings, not the study: a twin study learns them.
    const twin = await fixture();
    await rate(twin, 'local', { sessions: ['C01/1', 'C02/2'] });
    const [learnt] = await listRatingBatches(twin.db, { all: true });
    const keyOf = (transcript: string) => {
      const r = learnt!.requests.find((q) => q.transcriptId.startsWith(transcript))!;
      return { key: r.key, transcriptId: r.transcriptId, replicate: r.replicate };
    };
    store.another();
    const s = await fixture();
    const row = { rater: 'local', provider: 'openai', baseUrl: server.openaiBaseUrl };
    await reserveRatingBatch(s.db, {
      ...row,
      id: 'dead-submission',
      holder: `${hostname()}#999999999#gone`,
      requests: [keyOf('C01/1')],
    });
    await reserveRatingBatch(s.db, { ...row, id: 'lost', holder: 'elsewhere#1#x', requests: [keyOf('C02/2')] });
    await updateRatingBatch(s.db, 'lost', { status: 'submitted', providerBatchId: 'batch_unknown' });
    server.reset();

    const log: string[] = [];
    const r = await rate(s, 'local', { sessions: ['C01/1', 'C02/2'], log: (m) => log.push(m) });
    expect(r.summary).toMatchObject({ rated: 1, failed: 1 });
    expect(server.batches.created).toBe(1);
    expect(log).toContain(
      '1 rating not answered: the provider does not know batch batch_unknown (404); the next run sends them again',
    );
    const status = new Map((await listRatingBatches(s.db, { all: true })).map((b) => [b.id, b.status]));
    expect(status.get('dead-submission')).toBe('abandoned');
    expect(status.get('lost')).toBe('abandoned');
    const again = await rate(s, 'local', { sessions: ['C01/1', 'C02/2'] });
    expect(again.summary).toMatchObject({ rated: 1, cached: 1, failed: 0 });
  });

  it('Anthropic, after a kill in the window: two unknown batches of its size are not guessed between; a wrong guess is sent again, late but not lost', async () => {
    // Other studies' batches of one request each, on the same endpoint: the provider lists them, this study does not know them.
    const twins = [await fixture()];
    store.another();
    twins.push(await fixture());
    await rate(twins[0]!, 'claude', { sessions: ['C01/1'] });
    await rate(twins[1]!, 'claude', { sessions: ['C02/2'] });
    const batchOf = async (t: Study) => (await listRatingBatches(t.db, { all: true }))[0]!;
    const mine = (await batchOf(twins[0]!)).requests[0]!;
    const request = { key: mine.key, transcriptId: mine.transcriptId, replicate: mine.replicate };
    const row = {
      rater: 'claude',
      provider: 'anthropic',
      baseUrl: server.anthropicBaseUrl,
      holder: `${hostname()}#999999999#gone`,
    };

    store.another();
    const s = await fixture();
    await reserveRatingBatch(s.db, { ...row, id: 'dead-submission', requests: [request] });
    const log: string[] = [];
    const r = await rate(s, 'claude', { sessions: ['C01/1'], log: (m) => log.push(m) });
    expect(r.summary).toMatchObject({ rated: 1, failed: 0 });
    expect(server.batches.created).toBe(3);
    expect(log.filter((m) => m.startsWith('found batch'))).toEqual([]);
    const status = new Map((await listRatingBatches(s.db, { all: true })).map((b) => [b.id, b.status]));
    expect(status.get('dead-submission')).toBe('abandoned');

    // A study that knows every batch but the second twin's: that one is the only candidate, taken, and not its own.
    store.another();
    const u = await fixture();
    await reserveRatingBatch(u.db, { ...row, id: 'dead-again', requests: [request] });
    const others = [await batchOf(twins[0]!), ...(await listRatingBatches(s.db, { all: true }))];
    for (const [n, b] of others.entries()) {
      if (!b.providerBatchId) continue;
      await reserveRatingBatch(u.db, { ...row, id: `known-${n}`, requests: [{ ...request, key: `known-${n}` }] });
      await updateRatingBatch(u.db, `known-${n}`, { status: 'ingested', providerBatchId: b.providerBatchId });
    }
    const guessed: string[] = [];
    const wrong = await rate(u, 'claude', { sessions: ['C01/1'], log: (m) => guessed.push(m) });
    expect(guessed).toContain(
      `found batch ${(await batchOf(twins[1]!)).providerBatchId}, sent by a run stopped before it recorded it: polling it, not sending again`,
    );
    expect(wrong.summary).toMatchObject({ rated: 0, failed: 1 });
    const again = await rate(u, 'claude', { sessions: ['C01/1'] });
    expect(again.summary).toMatchObject({ rated: 1, failed: 0 });
  });

  it('two batch runs on one study at once send one batch between them', async () => {
    const s = await fixture();
    const second = await openStudy(s.dir);
    open.push(second);
    server.batches.script({ pollsInProgress: 3 });
    const [a, b] = await Promise.all([rate(s, 'local'), rate(second, 'local')]);
    expect(server.batches.created).toBe(1);
    for (const r of [a!, b!]) {
      expect(r.summary.failed).toBe(0);
      expect(r.summary.rated + r.summary.cached).toBe(4);
    }
  });

  it('refuses --batch for a server without the batch API and for raters without one', async () => {
    const bare = await startLoopbackServer({ batchApi: false, handler: () => ok });
    try {
      const s = await fixture({ vllm: { provider: 'openai', model: 'llama', baseUrl: bare.openaiBaseUrl } });
      await expect(rate(s, 'vllm')).rejects.toThrow(
        /has no batch API \(POST \/files answered 404\); rate without --batch/,
      );
      expect(await listRatingBatches(s.db)).toEqual([]);
      store.another();
      const l = await fixture({ lex: { provider: 'lexicon' } });
      await expect(rate(l, 'lex')).rejects.toThrow(/--batch: rater "lex" \(provider lexicon\) has no batch API/);
    } finally {
      await bare.close();
    }
  });
});
