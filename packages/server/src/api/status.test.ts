import type { Study } from '@alliance-lab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { createTestStudy } from '../testing/test-study';
import { storeKinds, useStore } from '../../../../test/support/stores';

describe.each(storeKinds)('GET /api/status on %s', (kind) => {
  useStore(kind, { shared: true });
  let study: Study;
  beforeAll(async () => {
    study = await createTestStudy();
  });
  afterAll(() => study.close());

  describe('GET /api/status', () => {
    it("returns core's study counts", async () => {
      const res = await createApp(study).request('/api/status');
      expect(res.status).toBe(200);
      // 16 WAI-SR + 3 SRS + 2 coder WAI-O-S questionnaires; 15 transcripts of 4 utterances, each rated twice.
      expect(await res.json()).toEqual({
        clients: 3,
        therapists: 2,
        sessions: 16,
        transcripts: 15,
        utterances: 60,
        responses: 21,
        ratings: 30,
      });
    });

    it('refuses a query parameter it does not take', async () => {
      const res = await createApp(study).request('/api/status?verbose=1');
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { kind: string; message: string } }).error).toEqual({
        kind: 'usage',
        message: 'unknown query parameter "verbose"; this route takes none',
      });
    });
  });
});
