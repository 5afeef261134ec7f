import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RatingIdentity, RatingOutcome } from '../schemas/rating';
import {
  type LeaseOptions,
  awaitCacheTurn,
  claimCacheKey,
  holderProcessAlive,
  newLeaseHolder,
  releaseCacheLease,
  renewCacheLease,
} from './cache-leases';
import { storeRating } from './ratings';
import { ensureSession } from './sessions';
import { initStudy, type Study } from './study';
import { transcriptRows } from './transcript-rows';
import { storeKinds, useStore } from '../../../../test/support/stores';

const dirs: string[] = [];
const open: Study[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function study(): Promise<Study> {
  const dir = mkdtempSync(join(tmpdir(), 'leases-'));
  dirs.push(dir);
  const s = await initStudy(join(dir, 's'), { name: 'L' });
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

/** A clock the test moves by hand, and holders that are alive unless said otherwise. */
function options(holder: string, clock: { t: number }, over: Partial<LeaseOptions> = {}): LeaseOptions {
  return { holder, ttlMs: 1000, pollMs: 5, now: () => clock.t, isAlive: () => true, ...over };
}

const outcome: RatingOutcome = {
  status: 'ok',
  output: { answer: 7 },
  failure: null,
  usage: { inputTokens: 1, outputTokens: 1, cachedTokens: 0, costUsd: 0, latencyMs: 1 },
  requests: 1,
};

function rating(cacheKey: string) {
  const identity: RatingIdentity = {
    rater: 'gpt',
    provider: 'openai',
    model: 'm',
    promptVersion: 'v1',
    promptHash: 'p',
    params: {},
    sessionId: 'C01/1',
    transcriptId: 'C01/1/v1',
    transcriptHash: 't',
    replicate: 1,
    cacheKey,
  };
  return { identity, outcome, forms: [], signals: [], ruptures: [], scores: [], fromCache: false };
}

describe.each(storeKinds)('cache-key leases on %s', (kind) => {
  useStore(kind);
  it('one holder at a time; an expired lease is taken over, and its old holder can neither renew nor release it', async () => {
    const s = await study();
    const clock = { t: Date.parse('2026-03-01T10:00:00Z') };
    const a = options('run-a', clock);
    const b = options('run-b', clock);
    expect(await claimCacheKey(s.db, 'k', a)).toEqual({ kind: 'claimed' });
    expect(await claimCacheKey(s.db, 'k', a)).toEqual({ kind: 'claimed' });
    expect(await claimCacheKey(s.db, 'k', b)).toEqual({
      kind: 'held',
      holder: 'run-a',
      expiresAt: '2026-03-01T10:00:01.000Z',
    });
    clock.t += 999;
    expect((await claimCacheKey(s.db, 'k', b)).kind).toBe('held');
    clock.t += 1; // run-a was killed: nobody renewed its lease, and now it has expired
    expect(await claimCacheKey(s.db, 'k', b)).toEqual({ kind: 'claimed' });
    expect(await renewCacheLease(s.db, 'k', a)).toBe(false);
    await releaseCacheLease(s.db, 'k', 'run-a');
    expect((await claimCacheKey(s.db, 'k', a)).kind).toBe('held');
    expect(await renewCacheLease(s.db, 'k', b)).toBe(true);
    await releaseCacheLease(s.db, 'k', 'run-b');
    expect(await claimCacheKey(s.db, 'k', a)).toEqual({ kind: 'claimed' });
  });

  it('a cached answer is returned instead of a lease, unless the cache is to be ignored', async () => {
    const s = await study();
    const clock = { t: Date.now() };
    await storeRating(s, rating('k'));
    expect(await claimCacheKey(s.db, 'k', options('run-a', clock))).toEqual({ kind: 'answered', outcome });
    expect(await claimCacheKey(s.db, 'k', options('run-a', clock), true)).toEqual({ kind: 'claimed' });
  });

  it('a waiting run gets the holder’s answer once it is stored, and asks nothing itself', async () => {
    const s = await study();
    const clock = { t: Date.now() };
    const first = await awaitCacheTurn(s, 'k', options('run-a', clock));
    expect(first.kind).toBe('claimed');
    const waiting = awaitCacheTurn(s, 'k', options('run-b', clock));
    await new Promise((r) => setTimeout(r, 50));
    await storeRating(s, rating('k'));
    if (first.kind === 'claimed') await first.lease.release();
    expect(await waiting).toEqual({ kind: 'answered', outcome });
  });

  it('a waiting run takes over the lease of a run that died without answering, once it expires', async () => {
    const s = await study();
    const clock = { t: Date.now() };
    expect((await awaitCacheTurn(s, 'k', options('killed', clock))).kind).toBe('claimed');
    let settled = false;
    const waiting = awaitCacheTurn(s, 'k', options('successor', clock)).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 60));
    expect(settled).toBe(false);
    clock.t += 1000;
    const turn = await waiting;
    expect(turn.kind).toBe('claimed');
    expect((await claimCacheKey(s.db, 'k', options('third', clock))).kind).toBe('held');
  });

  it('a holder on this machine whose process is gone is taken over at once', async () => {
    const s = await study();
    const clock = { t: Date.now() };
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const dead = `${hostname()}#${gone}#x`;
    expect(holderProcessAlive(dead)).toBe(false);
    expect(holderProcessAlive(newLeaseHolder())).toBe(true);
    expect(holderProcessAlive(`elsewhere#${gone}#x`)).toBe(true);
    await claimCacheKey(s.db, 'k', options(dead, clock));
    const live = options('successor', clock, { isAlive: holderProcessAlive });
    expect(await claimCacheKey(s.db, 'k', live)).toEqual({ kind: 'claimed' });
  });

  it('answers "held" at once to a run that asks not to wait', async () => {
    const s = await study();
    const clock = { t: Date.now() };
    await claimCacheKey(s.db, 'k', options('run-a', clock));
    expect(await awaitCacheTurn(s, 'k', { ...options('run-b', clock), wait: false })).toEqual({ kind: 'held' });
  });

  it('stops waiting when the run is interrupted', async () => {
    const s = await study();
    const clock = { t: Date.now() };
    await claimCacheKey(s.db, 'k', options('run-a', clock));
    const stop = new AbortController();
    const waiting = awaitCacheTurn(s, 'k', { ...options('run-b', clock), signal: stop.signal });
    setTimeout(() => stop.abort(), 30);
    expect(await waiting).toEqual({ kind: 'aborted' });
  });
});
