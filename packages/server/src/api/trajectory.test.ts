import { join } from 'node:path';
import type { Study } from '@alliance-lab/core';
import { runCommands } from '@alliance-lab/core/cli';
import { commands as coreCommands } from '@alliance-lab/core/commands';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import type { ClientTrajectory } from '../read/client-trajectory';
import { createTestStudy, WAI_SR_TOTALS } from '../testing/test-study';
import { commands } from '../commands';
import { tempDir } from '../../../../test/support/temp-dir';
import { storeKinds, useStore } from '../../../../test/support/stores';

describe.each(storeKinds)('GET /api/clients/:id/trajectory on %s', (kind) => {
  const store = useStore(kind, { shared: true });
  let study: Study;
  beforeAll(async () => {
    study = await createTestStudy();
  });
  afterAll(() => study.close());

  async function trajectory(path: string, s: Study = study): Promise<ClientTrajectory> {
    const res = await createApp(s).request(path);
    expect(res.status).toBe(200);
    return (await res.json()) as ClientTrajectory;
  }

  async function cli(argv: string[]): Promise<Record<string, unknown>> {
    let stdout = '';
    const code = await runCommands([...coreCommands, ...commands], [...argv, '--json'], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: () => true, isTTY: false },
    });
    expect(code).toBe(0);
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  describe('GET /api/clients/:id/trajectory', () => {
    it('gives the client’s scores per session, one series per source, rater, instrument and form', async () => {
      const t = await trajectory('/api/clients/C01/trajectory');
      expect(t.client).toBe('C01');
      expect(t.scale).toBe('total');
      expect(t.sessions.map((s) => [s.session, s.date, s.therapist])).toEqual(
        [1, 2, 3, 4, 5, 6].map((n) => [n, `2026-01-${String(n * 4).padStart(2, '0')}`, 'T1']),
      );
      expect(t.series.map((s) => s.label)).toEqual([
        'client SRS',
        'client WAI-SR',
        'coder K1, WAI-O-S observer',
        'lexicon (rater), WAI-O-S observer',
      ]);
      const wai = t.series.find((s) => s.instrument === 'wai-sr')!;
      expect(wai.points.map((p) => p.score)).toEqual(WAI_SR_TOTALS.C01);
      // WAI-SR totals run 12–60, so POMP = (score − 12) / 48 · 100.
      expect(wai.points[3]!.pomp).toBeCloseTo((13 / 48) * 100, 6);
      // The coder answered 6 (session 2) and 3 (session 4) throughout; WAI-O-S items 4 and 10 are reverse-keyed.
      const coder = t.series.find((s) => s.source === 'coder')!.points;
      expect(coder.map((p) => p.session)).toEqual([2, 4]);
      expect(coder[0]!.score).toBeCloseTo((10 * 6 + 2 * 2) / 12, 6);
      expect(coder[1]!.score).toBeCloseTo((10 * 3 + 2 * 5) / 12, 6);
      const lexicon = t.series.find((s) => s.source === 'rater')!;
      expect(lexicon.points.map((p) => p.session)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(lexicon.points.every((p) => p.replicates === 2)).toBe(true);
    });

    it('gives other scales on request', async () => {
      const t = await trajectory('/api/clients/C01/trajectory?scale=bond');
      expect(t.scale).toBe('bond');
      // The SRS has no bond scale; WAI-SR and WAI-O-S have.
      expect(t.series.map((s) => s.instrument)).toEqual(['wai-sr', 'wai-o-s', 'wai-o-s']);
    });

    it('finds rupture–repair episodes in the criterion as `alliance stats ruptures` does over the whole study', async () => {
      const t = await trajectory('/api/clients/C01/trajectory');
      expect(t.ruptures!.criterion).toEqual({ instrument: 'wai-sr', form: 'client', scale: 'total' });
      expect(
        t.ruptures!.episodes.map((e) => [e.rupture.session, e.rupture.score, e.repaired, e.repair?.session]),
      ).toEqual([[4, 25, true, 5]]);

      const dir = tempDir('server-ruptures-');
      const totals = join(dir, 'totals.csv');
      await cli(['export', 'scores', '--study', study.dir, '--wide', '--scale', 'total', '--out', totals]);
      const stats = (await cli([
        'stats',
        'ruptures',
        '--in',
        totals,
        '--subject',
        'client',
        '--session',
        'session',
        '--value',
        'client_wai_sr_client_total',
      ])) as {
        episodes: Array<{ client: string }>;
        rules: { reliableChange: { threshold: number } };
      };
      // Screened alone, C01's own residual SD would give a threshold above its 30-point drop and no episode.
      expect(t.ruptures!.episodes).toEqual(stats.episodes.filter((e) => e.client === 'C01'));
      expect(t.ruptures!.rules!.reliableChange.threshold).toBeCloseTo(stats.rules.reliableChange.threshold, 12);

      const steady = await trajectory('/api/clients/C02/trajectory');
      expect(steady.ruptures!.episodes).toEqual([]);
      expect(steady.ruptures!.screening).toMatchObject({ client: 'C02', sessions: 6, skipped: null });
    });

    it('says why no episodes could be looked for, and gives none without a criterion', async () => {
      const noArm = {
        ...study,
        config: {
          ...study.config,
          analysis: { ...study.config.analysis, criterion: { instrument: 'arm-5', form: 'client', scale: 'total' } },
        },
      };
      const t = await trajectory('/api/clients/C01/trajectory', noArm);
      expect(t.ruptures).toMatchObject({ episodes: [], screening: null, rules: null });
      expect(t.ruptures!.unavailable).toMatch(/no client has 3 or more sessions/);

      const plain = await store.apart(() => createTestStudy({ criterion: false }));
      try {
        expect((await trajectory('/api/clients/C01/trajectory', plain)).ruptures).toBeNull();
      } finally {
        await plain.close();
      }
    });

    it('answers 404 for a client the study does not hold and 400 for a bad scale', async () => {
      const app = createApp(study);
      const missing = await app.request('/api/clients/C99/trajectory');
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: { kind: 'not-found', message: 'no client "C99" in this study' } });
      const bad = await app.request('/api/clients/C01/trajectory?scale=Total!');
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { kind: string; message: string } }).error.message).toMatch(
        /^query parameter "scale" = "Total!"/,
      );
    });

    it('answers 400 listing the scales for a scale no instrument defines, on the API and the page', async () => {
      const app = createApp(study);
      const api = await app.request('/api/clients/C01/trajectory?scale=nope');
      expect(api.status).toBe(400);
      const { error } = (await api.json()) as { error: { kind: string; message: string } };
      expect(error.kind).toBe('usage');
      expect(error.message).toMatch(
        /^query parameter "scale" = "nope": no instrument of this study has that scale; the scales are .*\bbond\b.*\btotal\b/,
      );
      const typo = await app.request('/api/clients/C01/trajectory?scale=totl');
      expect(((await typo.json()) as { error: { message: string } }).error.message).toMatch(
        /\(did you mean "total"\?\)$/,
      );
      const page = await app.request('/clients/C01?scale=nope');
      expect(page.status).toBe(400);
      const html = await page.text();
      expect(html).toContain('no instrument of this study has that scale');
      expect(html).not.toContain('No nope scores');
    });
  });
});
