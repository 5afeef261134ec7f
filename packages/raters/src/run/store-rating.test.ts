import {
  auditTrail,
  cacheEntries,
  cachedOutcome,
  listRatings,
  queryScores,
  scoresOf,
  type RatingIdentity,
  type RatingOutcome,
  type Score,
  type Study,
} from '@alliance-lab/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createFixtureStudy, validAnswer } from '../testing/study-fixture';
import { saveRating } from './store-rating';
import { storeKinds, useStore } from '../../../../test/support/stores';

const open: Study[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

const identity = (rater: string, cacheKey: string): RatingIdentity => ({
  rater,
  provider: 'openai',
  model: 'm',
  promptVersion: 'v1',
  promptHash: 'p',
  params: { temperature: 0 },
  sessionId: 'C01/1',
  transcriptId: 'C01/1/v1',
  transcriptHash: 't',
  replicate: 1,
  cacheKey,
});
const outcome = (value: number): RatingOutcome => ({
  status: 'ok',
  output: validAnswer(value),
  failure: null,
  usage: { inputTokens: 10, outputTokens: 5, cachedTokens: 2, costUsd: 0.001, latencyMs: 12 },
  requests: 1,
});
const score = (forms: { items: Record<string, number | null> }[]): Score[] => [
  {
    instrument: 'wai-o-s',
    form: 'observer',
    scale: 'total',
    score: forms[0]!.items['1']!,
    pomp: null,
    prorated: false,
    missing: false,
  },
];

/** A rater's answer through core's one rating write path. */
describe.each(storeKinds)('saveRating on %s', (kind) => {
  useStore(kind);
  it('inserts, then replaces with an update audited before and after, keeping one row, its scores and the cache', async () => {
    const { study } = await createFixtureStudy({ raters: {} });
    open.push(study);
    const s = study;
    await saveRating(s, identity('gpt', 'k1'), outcome(5), { fromCache: false, score });
    await saveRating(s, identity('gpt', 'k2'), outcome(6), { fromCache: false, score });
    const rows = await listRatings(study.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: 'gpt/C01/1/v1/r1',
      cacheKey: 'k2',
      status: 'ok',
      usage: { inputTokens: 10, cachedTokens: 2, costUsd: 0.001 },
      params: { temperature: 0 },
    });
    expect(await scoresOf(study.db, { kind: 'rating', id: 'gpt/C01/1/v1/r1' })).toMatchObject([{ score: 6 }]);
    expect((await queryScores(study.db)).filter((r) => r.source === 'rater').map((r) => r.score)).toEqual([6]);
    const trail = await auditTrail(study.db, 'rating');
    expect(trail.map((t) => t.action)).toEqual(['insert', 'update']);
    expect(trail[1]!.before).toMatchObject({ cacheKey: 'k1', forms: [{ items: { '1': 5 } }] });
    expect(trail[1]!.after).toMatchObject({ cacheKey: 'k2', forms: [{ items: { '1': 6 } }] });
    expect((await cachedOutcome(s, 'k1'))!.output).toEqual(validAnswer(5));
    expect(await cachedOutcome(s, 'nope')).toBeUndefined();
  });

  it('stores a failed outcome with its reasons and no scores; a cache-served rating writes no cache row', async () => {
    const { study } = await createFixtureStudy({ raters: {} });
    open.push(study);
    const s = study;
    await saveRating(
      s,
      identity('gpt', 'k1'),
      { ...outcome(5), status: 'failed', output: 'not json', failure: ['bad'] },
      { fromCache: false, score },
    );
    await saveRating(s, identity('twin', 'k1'), outcome(5), { fromCache: true, score });
    const rows = await listRatings(study.db);
    expect(rows.map((r) => [r.rater, r.status, r.failure ?? null, r.forms])).toEqual([
      ['gpt', 'failed', ['bad'], []],
      ['twin', 'ok', null, [expect.objectContaining({ items: expect.objectContaining({ '1': 5 }) })]],
    ]);
    expect(await scoresOf(study.db, { kind: 'rating', id: 'gpt/C01/1/v1/r1' })).toEqual([]);
    expect(await scoresOf(study.db, { kind: 'rating', id: 'twin/C01/1/v1/r1' })).toHaveLength(1);
    expect((await cacheEntries(study.db)).map((e) => [e.key, e.status, e.output])).toEqual([
      ['k1', 'failed', 'not json'],
    ]);
  });
});
