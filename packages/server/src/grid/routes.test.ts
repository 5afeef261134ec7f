import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectionStudy, createCollectionStudy, form, SRS_ANSWERS, signInAs } from '../testing/collection-study';
import { storeKinds, useStore } from '../../../../test/support/stores';

describe.each(storeKinds)('staff pages on %s', (kind) => {
  useStore(kind, { shared: true });
  let t: CollectionStudy;
  beforeAll(async () => {
    t = await createCollectionStudy();
  });
  afterAll(() => t.remove());

  const withCookie = (cookie: string, init: RequestInit = {}) => ({
    ...init,
    headers: { ...(init.headers as Record<string, string>), cookie },
  });

  describe('staff pages', () => {
    it('signs in with an HttpOnly, SameSite=Strict cookie and sends visitors without one to /login', async () => {
      const anon = await t.app.request('/grid');
      expect(anon.status).toBe(303);
      expect(anon.headers.get('location')).toBe('/login?next=%2Fgrid');
      // With accounts in the study, the analyst pages need a sign-in too.
      expect((await t.app.request('/api/status')).status).toBe(401);

      const page = await t.app.request('/login');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
      const loginCookie = page.headers.get('set-cookie')!.split(';')[0]!;
      const res = await t.app.request('/login', {
        ...form({ _csrf: csrf, name: 'coordinator', password: 'coordinator pw 2', next: '/grid' }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
      });
      expect(res.status).toBe(303);
      const cookie = res.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^alliance_session=[A-Za-z0-9_-]{43};/);
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Strict');
      expect(cookie).not.toContain('Secure');
    });

    it('shows the grid with done, due, expired and not scheduled cells, and updates it after a submission', async () => {
      const { cookie } = await signInAs(t.app, 'analyst');
      const cellOf = (html: string, client: string, session: number, f: string) => {
        const row = new RegExp(`<tr><th scope="row">${client}</th><td class="num">${session}</td>.*?</tr>`).exec(
          html,
        )![0];
        return new RegExp(`data-form="${f}">([a-z ]+)</td>`).exec(row)![1];
      };
      let grid = await (await t.app.request('/grid', withCookie(cookie))).text();
      expect(cellOf(grid, 'C01', 1, 'srs:client')).toBe('due');
      expect(cellOf(grid, 'C01', 1, 'arm-12:client')).toBe('not scheduled');
      expect(cellOf(grid, 'C01', 3, 'arm-12:client')).toBe('due');
      expect(cellOf(grid, 'C03', 1, 'srs:client')).toBe('expired');
      expect(grid).not.toContain('action="/sessions"');

      expect((await t.app.request(`/f/${t.link('C01', 1, 'srs').token}`, form(SRS_ANSWERS))).status).toBe(200);
      grid = await (await t.app.request('/grid', withCookie(cookie))).text();
      expect(cellOf(grid, 'C01', 1, 'srs:client')).toBe('done');
      const filtered = await (await t.app.request('/grid?client=C03', withCookie(cookie))).text();
      expect(filtered).not.toContain('<th scope="row">C01</th>');

      const csv = await t.app.request('/grid/missing.csv', withCookie(cookie));
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const lines = (await csv.text()).trim().split('\r\n');
      expect(lines[0]).toBe('client,therapist,session,date,instrument,form,state,expires_at');
      expect(lines.some((l) => l.startsWith('C03,T2,1,') && l.includes(',srs,client,expired,'))).toBe(true);
      expect(lines.some((l) => l.startsWith('C01,T1,1,') && l.includes(',srs,client,'))).toBe(false);
    });

    it('lets a coordinator record a session, which makes its forms due, and writes it to the audit', async () => {
      const { cookie, csrf } = await signInAs(t.app, 'coordinator');
      const res = await t.app.request(
        '/sessions',
        withCookie(
          cookie,
          form({
            _csrf: csrf,
            client: 'C09',
            therapist: 'T3',
            session: '1',
            date: new Date().toISOString().slice(0, 10),
          }),
        ),
      );
      expect(res.status).toBe(303);
      const grid = await (await t.app.request('/grid?client=C09', withCookie(cookie))).text();
      expect(grid).toContain('<th scope="row">C09</th>');
      const audit = await t.study.db.selectFrom('audit').selectAll().where('entity', '=', 'session').execute();
      expect(audit.map((a) => `${a.actor} ${a.entity_id}`)).toEqual(['coordinator C09/1']);

      const links = await (await t.app.request('/links', withCookie(cookie))).text();
      expect(links).toContain('Create links for every form due');
      expect((await t.app.request('/links', withCookie(cookie, form({ _csrf: csrf })))).status).toBe(303);
      const csv = await (await t.app.request('/links.csv', withCookie(cookie))).text();
      expect(csv.split('\r\n')[0]).toBe('client,session,instrument,form,url,code,expires_at');
      expect(csv).toMatch(/C09,1,srs,client,http:\/\/localhost\/f\/[A-Za-z0-9_-]{43},[A-Z2-9]{8},/);
      const log = await (await t.app.request('/invitations', withCookie(cookie))).text();
      expect(log).toContain('C09/1/srs/client');
    });

    it('shows admins the audit with before and after; signing out ends the session', async () => {
      const { cookie, csrf } = await signInAs(t.app, 'admin');
      const audit = await (await t.app.request('/audit', withCookie(cookie))).text();
      expect(audit).toContain('staff');
      expect(audit).toContain('&quot;role&quot;:&quot;analyst&quot;');
      expect((await t.app.request('/logout', withCookie(cookie, form({ _csrf: csrf })))).status).toBe(303);
      expect((await t.app.request('/grid', withCookie(cookie))).status).toBe(303);
    });
  });
});
