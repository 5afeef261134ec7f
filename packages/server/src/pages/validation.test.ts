import { addStaff, latestValidationRun, type Study, startStaffSession } from '@alliance-lab/core';
import { summaryRows, type ValidationResult, validateStudy } from '@alliance-lab/raters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { SESSION_COOKIE } from '../staff/auth';
import { createTestStudy, TRANSCRIPT_MARKER } from '../testing/test-study';
import { storeKinds, useStore } from '../../../../test/support/stores';

describe.each(storeKinds)('GET /validation on %s', (kind) => {
  useStore(kind, { shared: true });
  let study: Study;
  let result: ValidationResult;
  const get = (path: string, cookie?: string) =>
    createApp(study).request(path, cookie ? { headers: { cookie } } : undefined);

  beforeAll(async () => {
    study = await createTestStudy();
    // Before any run, the pages say so.
    const none = await get('/validation');
    expect(none.status).toBe(200);
    expect(await none.text()).toContain('No validation run is stored yet');
    expect((await get('/validation/report.html')).status).toBe(404);
    ({ result } = await validateStudy(study, { bootstrap: { resamples: 50, seed: 3 } }));
  }, 60_000);
  afterAll(() => study.close());

  /** The cells of each body row of the first table after a heading. */
  function tableAfter(page: string, heading: string): string[][] {
    const table = page.slice(page.indexOf(`<h2>${heading}</h2>`)).match(/<table>[\s\S]*?<\/table>/)![0];
    return [...table.matchAll(/<tr>(<td[\s\S]*?)<\/tr>/g)].map((m) =>
      [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '')),
    );
  }

  describe('GET /validation', () => {
    it('shows the latest run as the summary table: statistic, estimate, 95% CI, n, method', async () => {
      const res = await get('/validation');
      expect(res.status).toBe(200);
      const page = await res.text();
      const run = await latestValidationRun(study.db);
      expect(page).toContain(`Run ${run!.generatedAt} over lexicon`);
      expect(page).toContain(
        '<th>rater</th><th>statistic</th><th class="num">estimate</th><th>95% CI</th><th>n</th><th>method</th>',
      );
      const rows = tableAfter(page, 'Summary');
      const expected = summaryRows(result);
      expect(rows).toHaveLength(expected.length);
      rows.forEach((cells, i) => {
        expect(cells[0]).toBe(expected[i]!.rater);
        expect(cells[1]).toBe(expected[i]!.statistic.replace(/&/g, '&amp;').replace(/'/g, '&#39;'));
        expect(cells[4]).toMatch(/\d+ (clients|sessions)/);
        expect(cells[5]!.length).toBeGreaterThan(0);
      });
      expect(page).toContain('href="/validation/report.html"');
      expect(page).not.toContain(TRANSCRIPT_MARKER);
    });

    it('offers the report as a download, in full and shareable', async () => {
      const full = await get('/validation/report.html');
      expect(full.status).toBe(200);
      expect(full.headers.get('content-disposition')).toMatch(/^attachment; filename="validation-\d+[^"]*\.html"$/);
      const page = await full.text();
      expect(page).toContain('<h2>Summary</h2>');
      expect(page).toMatch(/<figure id="chart-trajectories" class="chart"><figcaption>[^<]*<\/figcaption><svg/);
      expect(page).toContain(TRANSCRIPT_MARKER);
      const shareable = await get('/validation/report.html?shareable=1');
      expect(shareable.headers.get('content-disposition')).toMatch(/-shareable\.html"$/);
      expect(await shareable.text()).not.toContain(TRANSCRIPT_MARKER);
      expect((await get('/validation/report.html?shareable=yes')).status).toBe(400);
    });
  });

  describe('GET /clients/:id/sessions/:n/evidence', () => {
    it("puts each rater's signals, quotes and items beside the transcript, quotes marked in it", async () => {
      const res = await get('/clients/C01/sessions/2/evidence');
      expect(res.status).toBe(200);
      const page = await res.text();
      expect(page).toContain('<h1>Client C01, session 2</h1>');
      expect(page).toContain(TRANSCRIPT_MARKER);
      expect(page).toMatch(/<section aria-label="transcript">[\s\S]*<ol class="transcript"><li id="u-/);
      expect(page).toMatch(/<h3>lexicon <span class="note">\([^)]*; replicate 1 of 2\)<\/span><\/h3>/);
      // Every quote in the signal table is marked in the transcript (overlapping quotes share one mark), and every
      // utterance link resolves.
      const quotes = [...page.matchAll(/<td>“([^”]+)” \(/g)].map((m) => m[1]!);
      const marks = [...page.matchAll(/<mark>([^<]+)<\/mark>/g)].map((m) => m[1]!.toLowerCase());
      expect(quotes.length).toBeGreaterThan(0);
      for (const q of quotes)
        expect(
          marks.some((m) => m.includes(q.toLowerCase())),
          q,
        ).toBe(true);
      for (const [, id] of page.matchAll(/href="#u-([^"]+)"/g)) expect(page).toContain(`<li id="u-${id}"`);
      expect(page).toContain('<h4>Items</h4>');
    });

    it('refuses a session that is not there, and one that is not a number', async () => {
      expect((await get('/clients/C01/sessions/99/evidence')).status).toBe(404);
      expect((await get('/clients/C01/sessions/two/evidence')).status).toBe(400);
      const page = await (await get('/clients/C03/sessions/4/evidence')).text();
      expect(page).toContain('This session has no transcript.');
    });
  });

  describe('markers on the client overview', () => {
    /** Client name → its marker cells (SRS alerts, ruptures, divergence), in the order the page lists clients. */
    async function markers(query = ''): Promise<Array<[string, string[]]>> {
      const page = await (await get(`/${query}`)).text();
      return tableAfter(page, 'Clients').map((cells) => [cells[0]!, cells.slice(-3)]);
    }

    it('flags C01’s rupture at session 4 and its divergent sessions from the latest run, each linked to its evidence', async () => {
      const page = await (await get('/')).text();
      expect(page).toMatch(/<a href="\/\?sort=srs">SRS alerts<\/a><\/th>/);
      const rows = new Map(await markers());
      expect(rows.get('C01')![1]).toMatch(/^\d+ \(.*\b4\b.*\)$/);
      const divergent = new Map<string, number>();
      for (const d of result.raters[0]!.divergence) divergent.set(d.client, (divergent.get(d.client) ?? 0) + 1);
      for (const [client, cells] of rows) {
        const n = divergent.get(client);
        expect(cells[2], client).toEqual(n ? expect.stringMatching(new RegExp(`^${n} \\(`)) : '–');
      }
      expect(page).toContain('href="/clients/C01/sessions/4/evidence"');
      expect(page).toContain('<a href="/validation">The latest validation run</a>');
    });

    it('sorts by a marker (most first) and narrows to clients that have one', async () => {
      const count = (cell: string) => (cell === '–' ? 0 : Number(cell.split(' ')[0]));
      const sorted = await markers('?sort=ruptures');
      const counts = sorted.map(([, c]) => count(c[1]!));
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      expect(sorted[0]![0]).toBe('C01');
      const flagged = await markers('?flag=ruptures');
      expect(flagged.length).toBeGreaterThan(0);
      expect(flagged.length).toBeLessThan(3);
      for (const [, c] of flagged) expect(count(c[1]!)).toBeGreaterThan(0);
      const page = await (await get('/?flag=ruptures&sort=divergence')).text();
      expect(page).toContain('<option value="ruptures" selected>ruptures</option>');
      expect(page).toContain('<input type="hidden" name="sort" value="divergence">');
      expect((await get('/?flag=nonsense')).status).toBe(400);
    });
  });

  describe('with staff accounts', () => {
    it('an analyst reads the validation, the report and the evidence; nobody signed in is sent to sign in', async () => {
      const analyst = await addStaff(study.db, 'test', {
        name: 'ana',
        role: 'analyst',
        password: 'analyst password 9',
      });
      const cookie = `${SESSION_COOKIE}=${await startStaffSession(study.db, analyst.id)}`;
      for (const path of [
        '/validation',
        '/validation/report.html?shareable=1',
        '/clients/C01/sessions/2/evidence',
        '/',
      ]) {
        const anonymous = await get(path);
        expect(anonymous.status, path).toBe(303);
        expect(anonymous.headers.get('location'), path).toMatch(/^\/login\?next=/);
        expect((await get(path, cookie)).status, path).toBe(200);
      }
    });
  });
});
