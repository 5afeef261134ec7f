import type { Study } from '@alliance-lab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { createTestStudy } from '../testing/test-study';
import { clientSrsAlerts } from './srs-session-alerts';
import { storeKinds, useStore } from '../../../../test/support/stores';

describe.each(storeKinds)('SRS alerts on the client page on %s', (kind) => {
  useStore(kind, { shared: true });
  let study: Study;
  beforeAll(async () => {
    study = await createTestStudy();
  });
  afterAll(() => study.close());

  // C01's SRS (test-study.ts): session 1 = 9+9+9+9 = 36, session 2 = 8×4 = 32, session 3 = 10+10+10+9 = 39.
  describe('SRS alerts on the client page', () => {
    it('flags a total below the cut-off and a drop from the last session, by the default rule "< 36"', async () => {
      const r = await clientSrsAlerts(study, 'C01');
      expect(r.sessions).toBe(3);
      expect(r.alerts.map((a) => [a.session, a.score, a.previous, a.alerts.map((x) => x.kind)])).toEqual([
        [2, 32, 36, ['below', 'drop']],
      ]);
    });

    it("takes the cut-off and inequality from study.json's analysis.srsAlert", async () => {
      const strict = {
        ...study,
        config: {
          ...study.config,
          analysis: { ...study.config.analysis, srsAlert: { cutoff: 36, inequality: '<=' as const } },
        },
      };
      const r = await clientSrsAlerts(strict, 'C01');
      // With "<= 36" session 1's total of exactly 36 is flagged too.
      expect(r.alerts.map((a) => a.session)).toEqual([1, 2]);
    });

    it('shows the alerts as a table, and nothing for a client without SRS', async () => {
      const app = createApp(study);
      const html = await (await app.request('/clients/C01')).text();
      const section = html.slice(html.indexOf('<h2>SRS alerts</h2>'), html.indexOf('<h2>Scores by session</h2>'));
      expect(section).toContain('a total &lt; 36; a drop of 1 or more from the last session');
      expect(section).toMatch(
        /<tr><td class="num">2<\/td><td class="num">32<\/td><td class="num">36<\/td><td>[^<]+<\/td><\/tr>/,
      );
      expect(await clientSrsAlerts(study, 'C02')).toMatchObject({ sessions: 0, alerts: [] });
      expect(await (await app.request('/clients/C02')).text()).not.toContain('<h2>SRS alerts</h2>');
    });
  });
});
