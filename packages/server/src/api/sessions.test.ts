import type { Study } from '@alliance-lab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import type { SessionSummary } from '@alliance-lab/core';
import { createTestStudy } from '../testing/test-study';
import { storeKinds, useStore } from '../../../../test/support/stores';

describe.each(storeKinds)('GET /api/sessions on %s', (kind) => {
  useStore(kind, { shared: true });
  let study: Study;
  beforeAll(async () => {
    study = await createTestStudy();
  });
  afterAll(() => study.close());

  async function sessions(query = ''): Promise<SessionSummary[]> {
    const res = await createApp(study).request(`/api/sessions${query}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { sessions: SessionSummary[] }).sessions;
  }

  describe('GET /api/sessions', () => {
    it('lists every session by client and number, with its transcript size, questionnaires and ratings', async () => {
      const all = await sessions();
      expect(all.map((s) => s.session_id)).toEqual([
        ...[1, 2, 3, 4, 5, 6].map((n) => `C01/${n}`),
        ...[1, 2, 3, 4, 5, 6].map((n) => `C02/${n}`),
        ...[1, 2, 3, 4].map((n) => `C03/${n}`),
      ]);
      expect(all.find((s) => s.session_id === 'C01/2')).toEqual({
        session_id: 'C01/2',
        client: 'C01',
        therapist: 'T1',
        session: 2,
        date: '2026-01-08',
        utterances: 4,
        questionnaires: [
          { instrument: 'srs', form: 'client', respondent: 'client' },
          { instrument: 'wai-o-s', form: 'observer', respondent: 'K1' },
          { instrument: 'wai-sr', form: 'client', respondent: 'client' },
        ],
        ratings: [{ rater: 'lexicon', ok: 2, failed: 0 }],
      });
      // Created by its questionnaire alone: no transcript, so nothing to rate.
      expect(all.find((s) => s.session_id === 'C03/4')).toMatchObject({
        therapist: 'T2',
        utterances: null,
        ratings: [],
        questionnaires: [{ instrument: 'wai-sr' }],
      });
    });

    it('narrows to one client', async () => {
      const c02 = await sessions('?client=C02');
      expect(c02).toHaveLength(6);
      expect(new Set(c02.map((s) => s.client))).toEqual(new Set(['C02']));
      expect(await sessions('?client=C99')).toEqual([]);
    });

    it('counts failed ratings apart and leaves out ratings of superseded transcripts', async () => {
      await study.db
        .updateTable('ratings')
        .set({ status: 'failed' })
        .where('session_id', '=', 'C02/1')
        .where('replicate', '=', 2)
        .execute();
      await study.db.updateTable('transcripts').set({ is_current: 0 }).where('session_id', '=', 'C02/2').execute();
      try {
        const c02 = await sessions('?client=C02');
        expect(c02[0]!.ratings).toEqual([{ rater: 'lexicon', ok: 1, failed: 1 }]);
        expect(c02[1]).toMatchObject({ session_id: 'C02/2', utterances: null, ratings: [] });
      } finally {
        await study.db.updateTable('ratings').set({ status: 'ok' }).where('session_id', '=', 'C02/1').execute();
        await study.db.updateTable('transcripts').set({ is_current: 1 }).where('session_id', '=', 'C02/2').execute();
      }
    });

    it('refuses a client id that is not a pseudonym', async () => {
      const res = await createApp(study).request('/api/sessions?client=Jane%20Doe');
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { kind: string; message: string } }).error.message).toMatch(
        /^query parameter "client" = "Jane Doe": a pseudonymous id/,
      );
    });
  });
});
