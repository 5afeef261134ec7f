import type { Study } from '@alliance-lab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { createTestStudy, TRANSCRIPT_MARKER } from '../testing/test-study';
import { storeKinds, useStore } from '../../../../test/support/stores';

describe.each(storeKinds)('GET /clients/:id on %s', (kind) => {
  useStore(kind, { shared: true });
  let study: Study;
  beforeAll(async () => {
    study = await createTestStudy({ name: 'Study <b>bold</b>' });
  });
  afterAll(() => study.close());

  async function page(path: string, status = 200): Promise<string> {
    const res = await createApp(study).request(path);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    return res.text();
  }

  const svgOf = (html: string) => html.match(/<svg[\s\S]*?<\/svg>/)?.[0];
  /** The text of the SVG's <text> elements: axis ticks, titles, legend labels, rupture labels. */
  const svgTexts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

  describe('GET /clients/:id', () => {
    it('inlines the trajectory chart as SVG: every session on the axis, each source and rater, the rupture marked', async () => {
      const html = await page('/clients/C01');
      const svg = svgOf(html);
      expect(svg).toBeDefined();
      const texts = svgTexts(svg!);
      for (const n of ['1', '2', '3', '4', '5', '6']) expect(texts).toContain(n);
      expect(texts).toContain('session');
      expect(texts).toContain('total (POMP, 0–100)');
      expect(texts).toEqual(
        expect.arrayContaining([
          'client WAI-SR',
          'coder K1, WAI-O-S observer',
          'lexicon (rater), WAI-O-S observer',
          'rupture (repaired at 5)',
        ]),
      );
      // The criterion stands for the self-reports in the chart; the SRS is in the table only.
      expect(texts).not.toContain('client SRS');
      expect(svg).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/)/);
    });

    it('gives the same numbers as a table under the chart, and the rupture episode', async () => {
      const html = await page('/clients/C01');
      const table = html.slice(html.indexOf('<h2>Scores by session</h2>'));
      expect(table).toContain(
        '<th class="num">client SRS</th><th class="num">client WAI-SR</th><th class="num">coder K1, WAI-O-S observer</th><th class="num">lexicon (rater), WAI-O-S observer</th>',
      );
      const rows = [...table.matchAll(/<tr><td class="num">(\d+)<\/td><td>([^<]*)<\/td>(.*?)<\/tr>/g)];
      expect(rows.map((r) => r[1])).toEqual(['1', '2', '3', '4', '5', '6']);
      expect(rows[3]![2]).toBe('2026-01-16');
      // Session 4: no SRS, WAI-SR 25 (POMP 27.1), the coder, the lexicon.
      expect(rows[3]![3]).toMatch(
        /^<td class="num">–<\/td><td class="num">25 \(27\.1\)<\/td><td class="num">3\.33 \(38\.9\)<\/td><td class="num">[\d.]+ \([\d.]+\)<\/td>$/,
      );
      const episodes = html.slice(
        html.indexOf('<h2>Rupture–repair episodes</h2>'),
        html.indexOf('<h2>Scores by session</h2>'),
      );
      expect(episodes).toContain('Strauss-like (k = 1), repair within 3 sessions');
      expect(episodes).toContain(
        '<tr><td class="num">4</td><td class="num">25</td><td class="num">55</td><td class="num">30</td><td class="num">5</td><td></td></tr>',
      );
    });

    it('marks no rupture for a client without one', async () => {
      const html = await page('/clients/C02');
      expect(svgTexts(svgOf(html)!).some((t) => t.startsWith('rupture'))).toBe(false);
      expect(html).toContain('<p>No episodes in 6 scored sessions.</p>');
    });

    it('says so when there is nothing to plot on the scale asked for', async () => {
      const html = await page('/clients/C01?scale=pwc');
      expect(svgOf(html)).toBeUndefined();
      expect(html).toContain('No pwc scores for this client yet.');
    });

    it('answers an unknown client with a 404 page and a bad scale with a 400 page, escaping what was asked for', async () => {
      const missing = await page('/clients/%3Cscript%3Ealert(1)%3C%2Fscript%3E', 404);
      expect(missing).toContain('no client &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; in this study');
      expect(missing).not.toContain('<script>');
      const bad = await page('/clients/C01?scale=%3Cb%3E', 400);
      expect(bad).toContain('query parameter &quot;scale&quot; = &quot;&lt;b&gt;&quot;');
      expect(bad).not.toContain('<b>');
    });

    it('escapes the study name and shows no transcript text', async () => {
      const html = await page('/clients/C01');
      expect(html).toContain('<title>Client C01 · Study &lt;b&gt;bold&lt;/b&gt;</title>');
      expect(html).not.toContain('<b>');
      expect(html).not.toContain(TRANSCRIPT_MARKER);
    });
  });
});
