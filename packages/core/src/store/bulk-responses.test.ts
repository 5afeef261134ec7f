import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/support/temp-dir';
import { type BulkSession, insertSessionsBulk } from './bulk-responses';
import { upsertResponse } from './responses';
import { ensureSession } from './sessions';
import { initStudy, type Study } from './study';
import { writeTransaction } from './write-lock';

const RESPONSES: BulkSession['responses'] = [
  {
    response: {
      instrument: 'srs',
      form: 'client',
      respondent: 'client',
      items: { '1': 9, '2': null },
      submittedAt: '2026-03-02T10:00:00Z',
    },
    scores: [{ scale: 'total', score: null, pomp: null, prorated: false, missing: true }],
  },
  {
    response: { instrument: 'wai-o-s', form: 'observer', respondent: 'k1', items: { '1': 3 }, source: 'coders.csv' },
    scores: [{ scale: 'total', score: 3.5, pomp: 41.6, prorated: true, missing: false }],
  },
];
const SESSIONS: BulkSession[] = [1, 2].map((session) => ({
  session: { client: 'C01', therapist: 'T1', session, ...(session === 1 ? { date: '2026-03-02' } : {}) },
  responses: RESPONSES,
}));

/** Every row of the tables both paths write, without the times of writing. */
async function rows(s: Study) {
  const strip = (r: Record<string, unknown>) => {
    const { created_at, updated_at, at, ...rest } = r;
    return rest;
  };
  const out: Record<string, unknown[]> = {};
  for (const t of ['clients', 'therapists', 'sessions', 'responses', 'scores', 'audit'] as const)
    out[t] = (await s.db.selectFrom(t).selectAll().execute()).map((r) => strip(r as Record<string, unknown>));
  return out;
}

describe('insertSessionsBulk', () => {
  it('writes the rows ensureSession and upsertResponse write for new sessions and responses', async () => {
    const bulk = await initStudy(join(tempDir('bulk-'), 's'), { name: 'B' }, { actor: 'ana' });
    const one = await initStudy(join(tempDir('bulk-'), 's'), { name: 'B' }, { actor: 'ana' });
    try {
      expect(await insertSessionsBulk(bulk.sqlite!, 'ana', SESSIONS)).toEqual({ sessions: 2, responses: 4, scores: 4 });
      await writeTransaction(one.db, async (trx) => {
        for (const { session, responses } of SESSIONS) {
          const sessionId = await ensureSession(trx, session);
          for (const r of responses) await upsertResponse(trx, 'ana', { ...r.response, sessionId }, r.scores);
        }
      });
      const written = await rows(bulk);
      expect(written.scores).toHaveLength(4);
      expect(written).toEqual(await rows(one));
      // A session stored already is refused whole.
      await expect(insertSessionsBulk(bulk.sqlite!, 'ana', SESSIONS.slice(1))).rejects.toThrow(/UNIQUE/);
      expect(await rows(bulk)).toEqual(written);
    } finally {
      await bulk.close();
      await one.close();
    }
  });
});
