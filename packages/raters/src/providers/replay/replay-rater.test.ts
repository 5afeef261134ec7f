import { configureRater } from '../registry';
import { InputError, type Study } from '@alliance-lab/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { RatableTranscript } from '../../rater';
import { saveRating } from '../../run/store-rating';
import { createFixtureStudy, validAnswer } from '../../testing/study-fixture';
import { ReplayConfig } from './replay-config';
import { createReplayRater } from './replay-rater';
import { storeKinds, useStore } from '../../../../../test/support/stores';

const open: Study[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function studyWithStoredRun(params: Record<string, unknown> = { transcript: 'deidentified' }) {
  const { study } = await createFixtureStudy({ raters: {} });
  open.push(study);
  await saveRating(
    study,
    {
      rater: 'gpt',
      provider: 'openai',
      model: 'gpt-x',
      promptVersion: 'v1',
      promptHash: 'prompt-hash',
      params,
      sessionId: 'C01/1',
      transcriptId: 'C01/1/v1',
      transcriptHash: 'seen-hash',
      replicate: 2,
      cacheKey: 'key-1',
    },
    {
      status: 'ok',
      output: validAnswer(6),
      failure: null,
      usage: { inputTokens: 900, outputTokens: 300, cachedTokens: 0, costUsd: 0.01, latencyMs: 800 },
      requests: 1,
    },
    { fromCache: false, score: () => [] },
  );
  return study;
}

const config = (options: Record<string, unknown>) => ReplayConfig.parse({ provider: 'replay', options });
const transcript = (sessionId: string, transcriptId: string, contentHash = 'seen-hash'): RatableTranscript => ({
  sessionId,
  transcriptId,
  contentHash,
  utterances: [],
});

describe.each(storeKinds)('replay provider on %s', (kind) => {
  useStore(kind);
  it('takes the replayed rater’s model, prompt and transcript handling, and answers with its stored answer at no cost', async () => {
    const study = await studyWithStoredRun();
    const rater = await createReplayRater(study, 'gpt-again', config({ rater: 'gpt' }));
    expect(rater).toMatchObject({
      provider: 'replay',
      remote: false,
      model: 'gpt-x',
      prompt: { version: 'v1', hash: 'prompt-hash' },
      replayedHandling: 'deidentified',
    });
    const res = await rater.rate({ transcript: transcript('C01/1', 'C01/1/v1'), forms: [], replicate: 2 });
    expect(res.output).toEqual(validAnswer(6));
    expect(res.usage).toMatchObject({ inputTokens: 0, outputTokens: 0, costUsd: 0 });
  });

  it('names the session and replicate it has no answer for', async () => {
    const study = await studyWithStoredRun({});
    const rater = await createReplayRater(study, 'gpt-again', config({ rater: 'gpt' }));
    expect(rater.replayedHandling).toBe('as-is');
    const miss = await rater
      .rate({ transcript: transcript('C01/1', 'C01/1/v1'), forms: [], replicate: 1 })
      .catch((e) => e);
    expect(miss).toBeInstanceOf(InputError);
    expect(miss.message).toMatch(/replays "gpt", which has no stored answer for session C01\/1 replicate 1/);
    await expect(
      rater.rate({ transcript: transcript('C01/1', 'C01/1/v1', 'other-text'), forms: [], replicate: 2 }),
    ).rejects.toThrow(/given on different transcript text/);
  });

  it('needs the name of a rater that has a stored run', async () => {
    const study = await studyWithStoredRun();
    expect(() => configureRater('r', { provider: 'replay', options: {} })).toThrow(
      /rater "r": options\.rater: a replay rater names the rater whose stored run it replays/,
    );
    expect(() => configureRater('r', { provider: 'replay' })).toThrow(/rater "r": options: a replay rater names/);
    await expect(createReplayRater(study, 'r', config({ rater: 'claude' }))).rejects.toThrow(
      /holds no ratings by "claude"/,
    );
  });
});
