import type { Study } from '@alliance-lab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { createTestStudy, TRANSCRIPT_MARKER } from '../testing/test-study';
import { storeKinds, useStore } from '../../../../test/support/stores';

describe.each(storeKinds)('GET / on %s', (kind) => {
  useStore(kind, { shared: true });
  const NAME = 'Pilot <script>alert("x")</script> & Co';
  const DESCRIPTION = "Clinic 'A' <img src=x onerror=alert(1)>";

  let study: Study;
  let page: string;
  beforeAll(async () => {
    study = await createTestStudy({ name: NAME, description: DESCRIPTION });
    const res = await createApp(study).request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    page = await res.text();
  });
  afterAll(() => study.close());

  /** The cells of the table row whose first cell links to this client. */
  function clientRow(client: string): string[] {
    const row = page.match(new RegExp(`<tr><td><a href="/clients/${client}">${client}</a></td>(.*?)</tr>`))?.[1];
    expect(row, `a row for ${client}`).toBeDefined();
    return [...row!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));
  }

  describe('GET /', () => {
    it('shows the counts', () => {
      for (const [label, n] of [
        ['clients', 3],
        ['sessions', 16],
        ['transcripts', 15],
        ['utterances', 60],
        ['questionnaires', 21],
        ['ratings', 30],
      ] as const) {
        expect(page).toContain(`<dt>${label}</dt><dd>${n}</dd>`);
      }
    });

    it('lists each client with its sessions and latest self-report totals, the criterion first', () => {
      expect(page).toMatch(
        /<th class="num">latest WAI-SR client total<\/th><th class="num">latest SRS client total<\/th>/,
      );
      // Then the markers (SRS alerts, ruptures, divergence), which validation.test.ts checks.
      expect(clientRow('C01').slice(0, 5)).toEqual(['T1', '6', '6', '57 (session 6)', '39 (session 3)']);
      expect(clientRow('C02').slice(0, 5)).toEqual(['T1', '6', '6', '41 (session 6)', '–']);
      expect(clientRow('C03').slice(0, 5)).toEqual(['T2', '4', '3', '46 (session 4)', '–']);
    });

    it('escapes the study’s name and description', () => {
      expect(page).not.toContain('<script>');
      expect(page).not.toContain('<img');
      expect(page).toContain(
        '<title>Overview · Pilot &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</title>',
      );
      expect(page).toContain('<h1>Pilot &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</h1>');
      expect(page).toContain('<p>Clinic &#39;A&#39; &lt;img src=x onerror=alert(1)&gt;</p>');
    });

    it('shows no transcript text', () => {
      expect(page).not.toContain(TRANSCRIPT_MARKER);
    });
  });
});
