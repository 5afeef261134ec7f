import { SCORE_COLUMNS, parseCsv, queryScores, type ScoreRow, type Study } from '@alliance-lab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { createTestStudy } from '../testing/test-study';
import { storeKinds, useStore } from '../../../../test/support/stores';

describe.each(storeKinds)('GET /api/scores on %s', (kind) => {
  useStore(kind, { shared: true });
  let study: Study;
  beforeAll(async () => {
    study = await createTestStudy();
  });
  afterAll(() => study.close());

  async function rows(query: string): Promise<ScoreRow[]> {
    const res = await createApp(study).request(`/api/scores${query}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { rows: ScoreRow[] }).rows;
  }

  async function refusal(query: string): Promise<string> {
    const res = await createApp(study).request(`/api/scores${query}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { kind: string; message: string } };
    expect(body.error.kind).toBe('usage');
    return body.error.message;
  }

  describe('GET /api/scores', () => {
    it('returns the long score export as JSON', async () => {
      const all = await rows('');
      // WAI-SR: 16 × 4 scales; SRS: 3 × 1; coder WAI-O-S: 2 × 6; lexicon WAI-O-S: 15 transcripts × 2 replicates × 6.
      expect(all).toHaveLength(64 + 3 + 12 + 180);
      expect(all).toEqual(JSON.parse(JSON.stringify(await queryScores(study.db))));
    });

    it('filters by instrument, form, scale and rater', async () => {
      const wai = await rows('?instrument=wai-sr&scale=total');
      expect(wai).toHaveLength(16);
      expect(wai.filter((r) => r.client === 'C01').map((r) => r.score)).toEqual([55, 56, 55, 25, 56, 57]);
      expect(new Set(wai.map((r) => `${r.instrument} ${r.form} ${r.scale} ${r.source}`))).toEqual(
        new Set(['wai-sr client total self-report']),
      );

      const coder = await rows('?form=observer&rater=K1');
      expect(coder).toHaveLength(12);
      expect(new Set(coder.map((r) => `${r.source} ${r.rater} ${r.session}`))).toEqual(
        new Set(['coder K1 2', 'coder K1 4']),
      );

      const both = await rows('?scale=total&rater=K1,lexicon');
      expect(both).toHaveLength(2 + 30);
      expect(await rows('?scale=total&rater=K1&rater=lexicon')).toEqual(both);
    });

    it('filters by client, therapist, session range and source in the store', async () => {
      const c01 = await rows('?client=C01&scale=total&source=self-report');
      expect(c01.map((r) => `${r.session} ${r.instrument}`)).toEqual(
        (await rows('?scale=total'))
          .filter((r) => r.client === 'C01' && r.source === 'self-report')
          .map((r) => `${r.session} ${r.instrument}`),
      );
      expect(c01.length).toBeGreaterThan(0);
      const range = await rows('?client=C01&from=2&to=3');
      expect(new Set(range.map((r) => r.session))).toEqual(new Set([2, 3]));
      const t1 = await rows('?therapist=T1&source=rater');
      expect(t1.length).toBeGreaterThan(0);
      expect(new Set(t1.map((r) => `${r.therapist} ${r.source}`))).toEqual(new Set(['T1 rater']));
    });

    it('refuses a filter value that matches nothing, listing the values that would', async () => {
      expect(await refusal('?instrument=arm-5')).toMatch(
        /^no scores with instrument "arm-5"; the instruments are .*wai-sr/,
      );
      expect(await refusal('?scale=totl')).toMatch(
        /^no scores with scale "totl"; the scales are .*total.* \(did you mean "total"\?\)$/,
      );
      expect(await refusal('?rater=gtp')).toMatch(/^no scores with rater "gtp"; the raters are .*lexicon/);
      expect(await refusal('?instrument=srs&scale=bond')).toMatch(
        /^no scores with scale "bond" of instrument srs; the scales are total$/,
      );
      expect(await refusal('?client=C99')).toMatch(/^no scores with client "C99"; the clients are C01, /);
    });

    it('returns the same rows as a long CSV download with ?format=csv', async () => {
      const res = await createApp(study).request('/api/scores?instrument=wai-sr&form=client&scale=total&format=csv');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="scores-wai-sr-client-total.csv"');
      const records = parseCsv(await res.text()).map((r) => r.fields);
      expect(records[0]).toEqual(SCORE_COLUMNS);
      expect(records).toHaveLength(17);
      const c01s4 = Object.fromEntries(SCORE_COLUMNS.map((c, i) => [c, records.find((r) => r[0] === 'C01/4')![i]]));
      expect(c01s4).toMatchObject({
        client: 'C01',
        therapist: 'T1',
        session: '4',
        date: '2026-01-16',
        source: 'self-report',
        rater: 'client',
        score: '25',
        prorated: '0',
        missing: '0',
      });

      const unfiltered = await createApp(study).request('/api/scores?format=csv');
      expect(unfiltered.headers.get('content-disposition')).toBe('attachment; filename="scores.csv"');
    });

    it('refuses bad query parameters with a message naming them', async () => {
      expect(await refusal('?format=xml')).toMatch(/^query parameter "format" = "xml": .*"json"\|"csv"/);
      expect(await refusal('?form=patient')).toMatch(
        /^query parameter "form" = "patient": .*"client"\|"therapist"\|"observer"\|"child"/,
      );
      expect(await refusal('?instrumnet=wai-sr')).toBe(
        'unknown query parameter "instrumnet"; this route takes instrument, form, scale, rater, format, client, therapist, source, from, to',
      );
      expect(await refusal('?instrument=wai-sr&instrument=srs')).toBe(
        'query parameter "instrument" is given 2 times; give it once',
      );
      expect(await refusal('?instrument=WAI%20SR')).toMatch(
        /^query parameter "instrument" = "WAI SR": an id of lower-case letters/,
      );
      expect(await refusal('?rater=K1,Dr%20Lee')).toMatch(/^query parameter "rater" = "K1,Dr Lee": a name of letters/);
    });
  });
});
