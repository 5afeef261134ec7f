import { auditTrail, type Study } from '@alliance-lab/core';
import { configureRater } from '../providers/registry';
import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../testing/loopback-server';
import { useLoopbackServer } from '../testing/use-loopback-server';
import { createFixtureStudy, validAnswer } from '../testing/study-fixture';
import { defaultServices } from './default-services';
import { rateStudy, type RateOptions } from './rate-run';
import { storeKinds, useStore } from '../../../../test/support/stores';

const server = useLoopbackServer((s) => s.setHandler(() => ok));

const ok: Reply = { kind: 'answer', output: validAnswer(), usage: { input: 1000, output: 200, cached: 400 } };
const price = { inputPerMillion: 2, outputPerMillion: 10, cachedInputPerMillion: 0.5 };
// Each `ok` answer costs 600 fresh + 400 cached input and 200 output tokens.
const OK_COST = (600 * 2 + 400 * 0.5 + 200 * 10) / 1e6;
const fastRetry = { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2000 };

const open: Study[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

type RaterInput = { provider: string; [key: string]: unknown };

async function fixture(
  raters: Record<string, RaterInput> = {},
  extra: { clients?: number; sessionsPerClient?: number } = {},
) {
  const { study, dir } = await createFixtureStudy({
    raters: { gpt: { provider: 'openai', model: 'gpt-test', baseUrl: server.openaiBaseUrl, price }, ...raters },
    ...extra,
  });
  open.push(study);
  return { study, dir };
}

const run = (study: Study, opts: Partial<RateOptions> = {}) =>
  rateStudy(study, { rater: 'gpt', services: defaultServices(study), env: {}, retry: fastRetry, ...opts });

async function ratings(study: Study) {
  return study.db.selectFrom('ratings').selectAll().orderBy('id').execute();
}

describe.each(storeKinds)('alliance rate: one run on %s', (kind) => {
  useStore(kind);
  it('rates every session, stores ratings with usage and cost, scores them, and audits each', async () => {
    const { study } = await fixture();
    const { summary } = await run(study);
    expect(summary).toEqual({
      rated: 4,
      failed: 0,
      cached: 0,
      inputTokens: 4000,
      outputTokens: 800,
      cachedTokens: 1600,
      costUsd: expect.closeTo(4 * OK_COST, 12),
    });
    const rows = await ratings(study);
    expect(rows.map((r) => r.id)).toEqual(['gpt/C01/1/v1/r1', 'gpt/C01/2/v1/r1', 'gpt/C02/1/v1/r1', 'gpt/C02/2/v1/r1']);
    expect(rows[0]).toMatchObject({
      rater: 'gpt',
      provider: 'openai',
      model: 'gpt-test',
      prompt_version: 'v1',
      status: 'ok',
      replicate: 1,
      input_tokens: 1000,
      cached_tokens: 400,
    });
    expect(rows[0]!.prompt_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(rows[0]!.params)).toEqual({
      temperature: 0,
      seed: null,
      maxTokens: 4096,
      transcript: 'as-is',
      chunk: null,
    });
    expect(JSON.parse(rows[0]!.forms)).toEqual([
      {
        instrument: 'wai-o-s',
        form: 'observer',
        items: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [String(i + 1), 5])),
      },
    ]);
    expect(JSON.parse(rows[0]!.signals)).toHaveLength(1);
    const scores = await study.db
      .selectFrom('scores')
      .selectAll()
      .where('source', '=', 'rating')
      .where('source_id', '=', rows[0]!.id)
      .execute();
    // Items 4 and 10 are reverse keyed: a 5 there scores 3, so the total is (10 × 5 + 2 × 3) / 12.
    expect(Object.fromEntries(scores.map((s) => [s.scale, s.score]))).toMatchObject({
      total: expect.closeTo(56 / 12, 6),
      bond: 5,
    });
    const trail = await auditTrail(study.db, 'rating');
    expect(trail).toHaveLength(4);
    expect(trail[0]).toMatchObject({ action: 'insert', before: null, after: { status: 'ok', signals: 1 } });
    // The audit row keeps values and counts, never the quotes (transcript text stays out of the audit table).
    expect(JSON.stringify(trail)).not.toContain('agenda');
    expect(server.requests).toHaveLength(4);
  });

  it('answers a second run from the store: no requests, identical rows, everything counted as cached', async () => {
    const { study } = await fixture();
    await run(study);
    const before = await ratings(study);
    const again = await run(study);
    expect(again.summary).toEqual({
      rated: 0,
      failed: 0,
      cached: 4,
      inputTokens: 0,
      outputTokens: 0,
      cachedTokens: 0,
      costUsd: 0,
    });
    expect(server.requests).toHaveLength(4);
    expect(await ratings(study)).toEqual(before);
  });

  it('shares answers between raters with the same configuration, by cache key', async () => {
    const { study } = await fixture({
      twin: { provider: 'openai', model: 'gpt-test', baseUrl: server.openaiBaseUrl, price },
    });
    await run(study);
    const twin = await run(study, { rater: 'twin' });
    expect(twin.summary.cached).toBe(4);
    expect(server.requests).toHaveLength(4);
    const rows = await ratings(study);
    expect(rows.filter((r) => r.rater === 'twin')).toHaveLength(4);
    expect(new Set(rows.map((r) => r.cache_key)).size).toBe(4);
  });

  it('--no-cache asks again and replaces the rating, audited as an update', async () => {
    const { study } = await fixture();
    await run(study, { sessions: ['C01/1'] });
    server.setHandler(() => ({ kind: 'answer', output: validAnswer(6) }));
    const { summary } = await run(study, { sessions: ['C01/1'], noCache: true });
    expect(summary).toMatchObject({ rated: 1, cached: 0 });
    const rows = await ratings(study);
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.forms)[0].items['1']).toBe(6);
    const total = await study.db.selectFrom('scores').select('score').where('scale', '=', 'total').execute();
    expect(total).toEqual([{ score: expect.closeTo((10 * 6 + 2 * 2) / 12, 6) }]);
    expect((await auditTrail(study.db, 'rating', rows[0]!.id)).map((a) => a.action)).toEqual(['insert', 'update']);
    // The cache now holds the new answer, so a normal run reproduces it.
    expect((await run(study, { sessions: ['C01/1'] })).summary.cached).toBe(1);
    expect(JSON.parse((await ratings(study))[0]!.forms)[0].items['1']).toBe(6);
  });

  it('rates replicates separately, each with its own seed, and selects sessions by session or client id', async () => {
    const { study } = await fixture({
      gpt: { provider: 'openai', model: 'gpt-test', baseUrl: server.openaiBaseUrl, seed: 10 },
    });
    const { summary } = await run(study, { sessions: ['C02', 'C01/2'], replicates: 3 });
    expect(summary.rated).toBe(9);
    expect(server.requests.map((r) => r.body.seed).sort()).toEqual([10, 10, 10, 11, 11, 11, 12, 12, 12]);
    const rows = await ratings(study);
    expect(new Set(rows.map((r) => r.session_id))).toEqual(new Set(['C01/2', 'C02/1', 'C02/2']));
    await expect(run(study, { sessions: ['C09'] })).rejects.toThrow(/no transcript in the study for "C09"/);
  });
});

describe.each(storeKinds)('alliance rate: validation and the repair round on %s', (kind) => {
  useStore(kind);
  const hallucinated = () => {
    const a = validAnswer();
    a.signals[0]!.quote = 'I never want to come back here';
    return a;
  };

  it('sends a hallucinated quote back once with the error, and stores the repaired answer', async () => {
    const { study } = await fixture();
    server.enqueue({ kind: 'answer', output: hallucinated(), usage: { input: 1000, output: 200 } }, ok);
    const { summary } = await run(study, { sessions: ['C01/1'] });
    expect(summary).toMatchObject({ rated: 1, failed: 0, inputTokens: 1000 + 1000 });
    expect(server.requests).toHaveLength(2);
    const repair = server.requests[1]!.body.messages;
    expect(repair.at(-2).role).toBe('assistant');
    expect(repair.at(-1).content).toMatch(/signals\[0\]: the quote does not occur in the cited utterance "u3"/);
    expect((await ratings(study))[0]!.status).toBe('ok');
  });

  it('stores an answer that fails twice as failed with the reasons, never scored', async () => {
    const { study } = await fixture();
    const outOfRange = validAnswer(9);
    server.enqueue({ kind: 'answer', output: outOfRange }, { kind: 'answer', output: outOfRange });
    const logs: string[] = [];
    const { summary } = await run(study, { sessions: ['C01/1'], log: (m) => logs.push(m) });
    expect(summary).toMatchObject({ rated: 0, failed: 1 });
    const [row] = await ratings(study);
    expect(row!.status).toBe('failed');
    expect(JSON.parse(row!.failure!)).toContain(
      'wai-o-s:observer item "1": 9 is above the scale maximum 7; use a value on the scale 1–7 (whole numbers)',
    );
    expect(JSON.parse(row!.forms)).toEqual([]);
    expect(await study.db.selectFrom('scores').selectAll().execute()).toEqual([]);
    expect(logs.join('\n')).toMatch(/session C01\/1 replicate 1: the answer failed validation twice/);
    // A failed rating is a result too: the next run does not pay for it again.
    expect((await run(study, { sessions: ['C01/1'] })).summary).toMatchObject({ cached: 1, failed: 0 });
    expect(server.requests).toHaveLength(2);
  });

  it('repairs malformed JSON', async () => {
    const { study } = await fixture();
    server.enqueue({ kind: 'text', text: '{"forms": [{"instrument": "wai-o-s", ' }, ok);
    expect((await run(study, { sessions: ['C01/1'] })).summary).toMatchObject({ rated: 1, failed: 0 });
    expect(server.requests[1]!.body.messages.at(-1).content).toMatch(/not valid JSON/);
  });
});

describe('alliance rate: transport failures', () => {
  it('retries 429 (honouring retry-after), 500 and dropped connections, then stores the answer', async () => {
    const { study } = await fixture();
    server.enqueue(
      { kind: 'status', status: 429, headers: { 'retry-after': '1' } },
      { kind: 'status', status: 500 },
      { kind: 'drop' },
      ok,
    );
    const logs: string[] = [];
    const { summary } = await run(study, { sessions: ['C01/1'], log: (m) => logs.push(m) });
    expect(summary).toMatchObject({ rated: 1, failed: 0 });
    expect(server.requests).toHaveLength(4);
    expect(server.requests[1]!.receivedAt - server.requests[0]!.receivedAt).toBeGreaterThanOrEqual(1000);
    expect(logs.filter((l) => l.includes('retry'))).toHaveLength(3);
  });

  it('times out a slow answer and asks again', async () => {
    const { study } = await fixture();
    server.enqueue({ kind: 'delay', ms: 2000, then: ok }, ok);
    const { summary } = await run(study, { sessions: ['C01/1'], retry: { ...fastRetry, timeoutMs: 300 } });
    expect(summary.rated).toBe(1);
    expect(server.requests).toHaveLength(2);
  });

  it('counts a rating whose requests keep failing as failed, stores nothing, and retries it next run', async () => {
    const { study } = await fixture();
    server.setHandler(() => ({
      kind: 'status',
      status: 503,
      message: 'Hi Sam, good to see you again. How was your week?',
    }));
    const logs: string[] = [];
    const { summary } = await run(study, {
      sessions: ['C01/1'],
      retry: { ...fastRetry, maxAttempts: 3 },
      log: (m) => logs.push(m),
    });
    expect(summary).toMatchObject({ rated: 0, failed: 1 });
    expect(server.requests).toHaveLength(3);
    expect(await ratings(study)).toEqual([]);
    // The server echoed transcript text in its error; the log names the status, never the text.
    expect(logs.join('\n')).toMatch(/answered 503/);
    expect(logs.join('\n')).not.toMatch(/good to see you/);
    server.setHandler(() => ok);
    expect((await run(study, { sessions: ['C01/1'] })).summary).toMatchObject({ rated: 1, cached: 0 });
  });
});

describe('alliance rate: spend on a failure', () => {
  it('counts the tokens of an answer whose repair round then could not be sent', async () => {
    const { study } = await fixture();
    server.enqueue({ kind: 'answer', output: validAnswer(9), usage: { input: 1000, output: 200, cached: 400 } });
    server.setHandler(() => ({ kind: 'status', status: 500 }));
    const { summary } = await run(study, { sessions: ['C01/1'], retry: { ...fastRetry, maxAttempts: 2 } });
    expect(summary).toEqual({
      rated: 0,
      failed: 1,
      cached: 0,
      inputTokens: 1000,
      outputTokens: 200,
      cachedTokens: 400,
      costUsd: expect.closeTo(OK_COST, 12),
    });
    expect(server.requests).toHaveLength(3);
    expect(await ratings(study)).toEqual([]);
  });
});

describe.each(storeKinds)('alliance rate: budget on %s', (kind) => {
  useStore(kind);
  it('stops scheduling before the estimated cost would pass the budget, and a later run continues', async () => {
    const logs: string[] = [];
    // maxTokens 200 keeps the first estimate (before any answer is seen) close to what the server bills.
    const { study } = await fixture(
      { gpt: { provider: 'openai', model: 'gpt-test', baseUrl: server.openaiBaseUrl, price, maxTokens: 200 } },
      { clients: 3, sessionsPerClient: 2 },
    );
    const first = await run(study, { concurrency: 1, budgetUsd: 0.012, log: (m) => logs.push(m) });
    expect(first.summary.rated).toBeGreaterThan(0);
    expect(first.summary.rated).toBeLessThan(6);
    expect(first.summary.costUsd).toBeLessThanOrEqual(0.012);
    expect(first.notStarted).toBe(6 - first.summary.rated);
    expect(server.requests).toHaveLength(first.summary.rated);
    expect(logs.join('\n')).toMatch(/budget of \$0\.012 reached: \d+ ratings? not requested/);
    const rest = await run(study, { concurrency: 1, budgetUsd: 1 });
    expect(rest.summary).toMatchObject({ rated: 6 - first.summary.rated, cached: first.summary.rated });
    expect(await study.db.selectFrom('ratings').selectAll().execute()).toHaveLength(6);
  });
});

describe.each(storeKinds)('alliance rate: resuming on %s', (kind) => {
  useStore(kind);
  it('keeps what was rated when interrupted, and the rerun asks only for the rest, without duplicates', async () => {
    const { study } = await fixture({}, { clients: 4, sessionsPerClient: 3 });
    const stop = new AbortController();
    let n = 0;
    server.setHandler(() => {
      if (++n === 5) stop.abort();
      return { kind: 'delay', ms: 50, then: ok };
    });
    const first = await run(study, { concurrency: 2, signal: stop.signal });
    expect(first.interrupted).toBe(true);
    const kept = await ratings(study);
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.length).toBeLessThan(12);
    // A request cancelled on the wire may still reach the server a moment after the run returns.
    await new Promise((r) => setTimeout(r, 300));
    const asked = server.requests.length;

    server.setHandler(() => ok);
    const second = await run(study, { concurrency: 2 });
    expect(second.summary).toMatchObject({ rated: 12 - kept.length, cached: kept.length, failed: 0 });
    expect(server.requests.length - asked).toBe(12 - kept.length);
    const all = await ratings(study);
    expect(all).toHaveLength(12);
    expect(new Set(all.map((r) => r.transcript_id)).size).toBe(12);
    // What the first run stored is untouched.
    for (const k of kept) expect(all.find((r) => r.id === k.id)).toEqual(k);
  });
});

describe('alliance rate: input budget and --chunk', () => {
  it('refuses a transcript over the input budget, naming the session and its estimate', async () => {
    const { study } = await fixture({
      gpt: { provider: 'openai', model: 'gpt-test', baseUrl: server.openaiBaseUrl, maxInputTokens: 600 },
    });
    await expect(run(study)).rejects.toThrow(
      /session C01\/1 needs about [\d,]+ input tokens.*input budget of 600 tokens.*--chunk/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('--chunk rates overlapping windows and stores one aggregated rating', async () => {
    const { study } = await fixture({
      gpt: { provider: 'openai', model: 'gpt-test', baseUrl: server.openaiBaseUrl, chunkOverlap: 1 },
    });
    const services = defaultServices(study);
    const { prompt } = await services.createRater(configureRater('gpt', study.config.raters.gpt), {});
    const { loadTranscript, selectTranscripts } = await import('./run-transcripts');
    const [ref] = await selectTranscripts(study, ['C01/1']);
    const t = await loadTranscript(study, ref!);
    const forms = [{ instrument: 'wai-o-s', form: 'observer' }];
    // A budget that fits about half the transcript.
    const empty = prompt!.tokens({ ...t, utterances: [], contentHash: 'none' }, forms);
    const half =
      empty +
      prompt!
        .utteranceTokens(t)
        .slice(0, 3)
        .reduce((a, b) => a + b, 0) +
      2;
    study.config.raters.gpt!.maxInputTokens = half;
    server.setHandler((req) => {
      // Each window cites an utterance it holds: the first window's own u3, the later ones their last line.
      const lines = String(req.body.messages[1].content)
        .split('\n')
        .filter((l: string) => /^u\d /.test(l));
      const a = validAnswer(lines.some((l: string) => l.startsWith('u1 ')) ? 4 : 6);
      const id = lines.some((l: string) => l.startsWith('u3 ')) ? 'u3' : lines.at(-1)!.split(' ')[0]!;
      a.forms[0]!.items.forEach((it) => (it.evidence = [id]));
      a.signals = id === 'u3' ? a.signals : [];
      return { kind: 'answer', output: a };
    });
    const { summary } = await run(study, { sessions: ['C01/1'], chunk: true });
    expect(summary).toMatchObject({ rated: 1, failed: 0 });
    const windows = server.requests.map((r) =>
      String(r.body.messages[1].content)
        .split('\n')
        .filter((l: string) => /^u\d /.test(l))
        .map((l: string) => l.split(' ')[0]),
    );
    expect(windows.length).toBeGreaterThan(1);
    expect(windows.flat()).toEqual(expect.arrayContaining(['u1', 'u2', 'u3', 'u4', 'u5', 'u6']));
    // Consecutive windows share one utterance (chunkOverlap: 1).
    expect(windows[1]![0]).toBe(windows[0]!.at(-1));
    const [row] = await ratings(study);
    expect(JSON.parse(row!.params).chunk).toEqual({ maxInputTokens: half, overlap: 1 });
    // Item values: the mean of 4 (first window) and 6 (the others), rounded to whole numbers.
    const values = Object.values(JSON.parse(row!.forms)[0].items) as number[];
    const expected = Math.round((4 + 6 * (windows.length - 1)) / windows.length);
    expect(new Set(values)).toEqual(new Set([expected]));
    expect(JSON.parse(row!.signals)).toHaveLength(1);
  });
});
