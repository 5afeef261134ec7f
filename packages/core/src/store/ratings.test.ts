import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RatingIdentity, RatingOutcome } from '../schemas/rating';
import { auditTrail } from './audit';
import { cacheEntries, cachedOutcome } from './rating-cache';
import { latestRating, listRatings, ratingKeys, storeRating, storedAnswer, type RatingWrite } from './ratings';
import { queryScores, scoresOf } from './scores';
import { ensureSession } from './sessions';
import { initStudy, type Study } from './study';
import { transcriptRows } from './transcript-rows';
import { type StoreKind, storeKinds, useStore } from '../../../../test/support/stores';

const dirs: string[] = [];
const open: Study[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function study(): Promise<Study> {
  const dir = mkdtempSync(join(tmpdir(), 'ratings-'));
  dirs.push(dir);
  const s = await initStudy(join(dir, 's'), { name: 'R' }, { actor: 'ana' });
  open.push(s);
  const sessionId = await ensureSession(s.db, { client: 'C01', therapist: 'T1', session: 1 });
  await transcriptRows(s.db, null).insert({
    id: 'C01/1/v1',
    session_id: sessionId,
    version: 1,
    content_hash: 'h',
    is_current: 1,
    format: 'json',
    source: null,
    utterance_count: 1,
    imported_at: '2026-01-01T00:00:00Z',
  });
  return s;
}

const identity = (rater: string, cacheKey: string): RatingIdentity => ({
  rater,
  provider: 'openai',
  model: 'm',
  promptVersion: 'v1',
  promptHash: 'p',
  params: { temperature: 0, transcript: 'deidentified' },
  sessionId: 'C01/1',
  transcriptId: 'C01/1/v1',
  transcriptHash: 't',
  replicate: 1,
  cacheKey,
});
const outcome = (value: number): RatingOutcome => ({
  status: 'ok',
  output: { answer: value },
  failure: null,
  usage: { inputTokens: 10, outputTokens: 5, cachedTokens: 2, costUsd: 0.001, latencyMs: 12 },
  requests: 1,
});
const write = (rater: string, key: string, value: number, fromCache = false): RatingWrite => ({
  identity: identity(rater, key),
  outcome: outcome(value),
  forms: [{ instrument: 'wai-o-s', form: 'observer', items: { '1': value } }],
  signals: [{ quote: 'never audited' }],
  ruptures: [],
  scores: [
    {
      instrument: 'wai-o-s',
      form: 'observer',
      scale: 'total',
      score: value,
      pomp: null,
      prorated: false,
      missing: false,
    },
  ],
  fromCache,
});

/** The SQLite fast path and the kysely path (PostgreSQL, and SQLite inside a transaction) write the same rows. */
const views: [string, StoreKind, (s: Study) => Study][] = [
  ['the SQLite fast path', 'sqlite', (s) => s],
  ['kysely', 'sqlite', (s) => ({ ...s, sqlite: null })],
  ...(storeKinds.includes('postgres')
    ? [['PostgreSQL', 'postgres', (s: Study) => s] as [string, StoreKind, (s: Study) => Study]]
    : []),
];
describe.each(views)('storeRating through %s', (_label, kind, view) => {
  useStore(kind);
  it('inserts, then replaces with an update audited before and after; one row, its scores, the cache', async () => {
    const s = await study();
    const v = view(s);
    expect(await storeRating(v, write('gpt', 'k1', 5))).toBe('gpt/C01/1/v1/r1');
    await storeRating(v, write('gpt', 'k2', 6));
    const [rating, ...others] = await listRatings(s.db);
    expect(others).toEqual([]);
    expect(rating).toMatchObject({
      id: 'gpt/C01/1/v1/r1',
      cacheKey: 'k2',
      status: 'ok',
      params: { temperature: 0, transcript: 'deidentified' },
      forms: [{ items: { '1': 6 } }],
      usage: { inputTokens: 10, cachedTokens: 2, costUsd: 0.001 },
    });
    expect(await scoresOf(s.db, { kind: 'rating', id: rating!.id })).toEqual([
      {
        instrument: 'wai-o-s',
        form: 'observer',
        scale: 'total',
        score: 6,
        pomp: null,
        prorated: false,
        missing: false,
      },
    ]);
    expect((await queryScores(s.db, { sources: ['rater'] })).map((r) => [r.rater, r.replicate, r.score])).toEqual([
      ['gpt', 1, 6],
    ]);
    const trail = await auditTrail(s.db, 'rating');
    expect(trail.map((t) => [t.actor, t.action])).toEqual([
      ['ana', 'insert'],
      ['ana', 'update'],
    ]);
    expect(trail[1]!.before).toMatchObject({ cacheKey: 'k1', forms: [{ items: { '1': 5 } }], signals: 1 });
    expect(trail[1]!.after).toMatchObject({ cacheKey: 'k2', forms: [{ items: { '1': 6 } }] });
    expect(JSON.stringify(trail)).not.toContain('never audited');
    expect((await cachedOutcome(v, 'k1'))!.output).toEqual({ answer: 5 });
    expect(await cachedOutcome(v, 'nope')).toBeUndefined();
    expect((await cacheEntries(s.db)).map((e) => [e.key, e.transcriptHash, e.requests])).toEqual([
      ['k1', 't', 1],
      ['k2', 't', 1],
    ]);
  });

  it('stores a failed outcome with its reasons and no scores; a cache-served rating writes no cache row', async () => {
    const s = await study();
    const v = view(s);
    await storeRating(v, {
      ...write('gpt', 'k1', 5),
      outcome: { ...outcome(5), status: 'failed', output: 'not json', failure: ['bad'] },
      forms: [],
      scores: [],
    });
    await storeRating(v, write('twin', 'k1', 5, true));
    expect((await listRatings(s.db)).map((r) => [r.rater, r.status, r.failure ?? null, r.forms.length])).toEqual([
      ['gpt', 'failed', ['bad'], 0],
      ['twin', 'ok', null, 1],
    ]);
    expect((await queryScores(s.db)).map((r) => r.rater)).toEqual(['twin']);
    expect((await cacheEntries(s.db)).map((e) => [e.key, e.status, e.output])).toEqual([['k1', 'failed', 'not json']]);
    expect(await ratingKeys(s.db, 'gpt')).toEqual([
      { id: 'gpt/C01/1/v1/r1', transcriptId: 'C01/1/v1', replicate: 1, cacheKey: 'k1', status: 'failed' },
    ]);
    expect(await storedAnswer(s.db, { rater: 'twin', transcriptId: 'C01/1/v1', replicate: 1 })).toEqual({
      output: 'not json',
      transcriptHash: 't',
    });
    expect((await latestRating(s.db, 'twin'))!.cacheKey).toBe('k1');
    expect(await latestRating(s.db, 'nobody')).toBeUndefined();
  });
});

describe.each(storeKinds)('the rating write path on %s', (kind) => {
  useStore(kind);
  it('inside a caller’s transaction takes the kysely path, so a rollback takes rating, scores, cache and audit', async () => {
    const s = await study();
    await expect(
      s.db.transaction().execute(async (trx) => {
        await storeRating({ ...s, db: trx }, write('gpt', 'k1', 5));
        expect(await listRatings(trx)).toHaveLength(1);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await listRatings(s.db)).toEqual([]);
    expect(await queryScores(s.db)).toEqual([]);
    expect(await cacheEntries(s.db)).toEqual([]);
    expect(await auditTrail(s.db)).toEqual([]);
  });
});
