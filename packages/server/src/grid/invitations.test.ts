import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectionStudy, createCollectionStudy, form, SRS_ANSWERS, signInAs } from '../testing/collection-study';
import { storeKinds, useStore } from '../../../../test/support/stores';

describe.each(storeKinds)('the invitation log and the grid filters on %s', (kind) => {
  useStore(kind, { shared: true });
  let t: CollectionStudy;
  beforeAll(async () => {
    t = await createCollectionStudy();
  });
  afterAll(() => t.remove());

  const get = (cookie: string, path: string) => t.app.request(path, { headers: { cookie } });
  const stageOf = (page: string, id: string) =>
    new RegExp(`<tr data-invitation="${id}">(?:<td[^>]*>[^<]*</td>){3}<td>([a-z]+)</td>`).exec(page)?.[1];

  describe('the invitation log and the grid filters', () => {
    it('shows each invitation as created, opened, started, completed or expired, and who to remind, with a CSV', async () => {
      // C01/1: SRS completed, WAI-SR opened, ARM-12 not scheduled; C01/2 WAI-SR started (a draft); C03 expired.
      expect((await t.app.request(`/f/${t.link('C01', 1, 'srs').token}`, form(SRS_ANSWERS))).status).toBe(200);
      expect((await t.app.request(`/f/${t.link('C01', 1, 'wai-sr').token}`)).status).toBe(200);
      expect((await t.app.request(`/f/${t.link('C01', 2, 'wai-sr').token}/draft`, form({ '1': '3' }))).status).toBe(
        204,
      );
      const { cookie } = await signInAs(t.app, 'coordinator');
      const page = await (await get(cookie, '/invitations')).text();
      expect(stageOf(page, 'C01/1/srs/client')).toBe('completed');
      expect(stageOf(page, 'C01/1/wai-sr/client')).toBe('opened');
      expect(stageOf(page, 'C01/2/wai-sr/client')).toBe('started');
      expect(stageOf(page, 'C02/1/srs/client')).toBe('created');
      expect(stageOf(page, 'C03/1/srs/client')).toBe('expired');
      expect(page).toMatch(/<dt>completed<\/dt><dd>1<\/dd>.*<dt>expired<\/dt><dd>2<\/dd>/s);
      const expiredOnly = await (await get(cookie, '/invitations?stage=expired')).text();
      expect([...expiredOnly.matchAll(/<tr data-invitation="([^"]+)"/g)].map((m) => m[1])).toEqual([
        'C03/1/srs/client',
        'C03/1/wai-sr/client',
      ]);
      expect((await get(cookie, '/invitations?stage=lost')).status).toBe(400);

      const csv = await get(cookie, '/invitations/remind.csv');
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const [head, ...rows] = (await csv.text()).trim().split('\r\n');
      expect(head).toBe('client,session,instrument,form,stage,opened_at,started_at,expires_at,url');
      const ids = rows.map((r) => r.split(',').slice(0, 3).join('/'));
      // Every open invitation of C01 and C02 except the completed one; none of C03 (expired).
      expect(ids).toContain('C01/1/wai-sr');
      expect(ids).toContain('C01/2/wai-sr');
      expect(ids).not.toContain('C01/1/srs');
      expect(ids.some((i) => i.startsWith('C03/'))).toBe(false);
      expect(ids.length).toBe(t.links.filter((l) => l.client !== 'C03').length - 1);
      const started = rows.find((r) => r.startsWith('C01,2,wai-sr,'))!;
      expect(started).toMatch(/^C01,2,wai-sr,client,started,,\d{4}-.*,http:\/\/localhost\/f\/[A-Za-z0-9_-]{43}$/);
      expect(started.split(',')[8]).toBe(`http://localhost/f/${t.link('C01', 2, 'wai-sr').token}`);
      const analyst = await signInAs(t.app, 'analyst');
      expect((await get(analyst.cookie, '/invitations/remind.csv')).status).toBe(403);
    });

    it('filters the grid by client, form and state, and the missing CSV follows the filter', async () => {
      const { cookie } = await signInAs(t.app, 'analyst');
      const grid = await (await get(cookie, '/grid?form=arm-12:client&state=due')).text();
      const rows = [
        ...grid.matchAll(/<tr><th scope="row">([^<]+)<\/th><td class="num">(\d+)<\/td><td>[^<]*<\/td>(.*?)<\/tr>/g),
      ];
      expect(rows.map((r) => `${r[1]}/${r[2]}`)).toEqual(['C01/3', 'C02/3']);
      for (const r of rows) expect(r[3]).toBe('<td class="due" data-form="arm-12:client">due</td>');
      expect(grid).toContain('href="/grid/missing.csv?form=arm-12%3Aclient&amp;state=due"');
      const csv = await (await get(cookie, '/grid/missing.csv?form=arm-12%3Aclient&state=due')).text();
      expect(
        csv
          .trim()
          .split('\r\n')
          .slice(1)
          .map((l) => l.split(',').slice(0, 3).join('/')),
      ).toEqual(['C01/T1/3', 'C02/T1/3']);
      const c03 = await (await get(cookie, '/grid/missing.csv?client=C03')).text();
      const lines = c03.trim().split('\r\n').slice(1);
      expect(lines.length).toBe(2);
      expect(lines.every((l) => l.startsWith('C03,T2,1,') && l.includes(',expired,'))).toBe(true);
      expect((await get(cookie, '/grid?form=nope:client')).status).toBe(400);
      expect((await get(cookie, '/grid/missing.csv?state=lost')).status).toBe(400);
    });
  });
});
