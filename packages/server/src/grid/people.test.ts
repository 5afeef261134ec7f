import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectionStudy, createCollectionStudy, day, signInAs } from '../testing/collection-study';
import { storeKinds, useStore } from '../../../../test/support/stores';

describe.each(storeKinds)('clients, therapists and sessions from the staff pages on %s', (kind) => {
  useStore(kind, { shared: true });
  let t: CollectionStudy;
  beforeAll(async () => {
    t = await createCollectionStudy();
  });
  afterAll(() => t.remove());

  const post = (cookie: string, path: string, values: Record<string, string>) =>
    t.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams(values).toString(),
    });

  function upload(cookie: string, csrf: string, csv: string, name = 'sessions.csv') {
    const body = new FormData();
    body.set('_csrf', csrf);
    body.set('file', new File([csv], name, { type: 'text/csv' }));
    return t.app.request('/sessions/import', { method: 'POST', headers: { cookie }, body });
  }

  const rows = async () => ({
    sessions: (await t.study.db.selectFrom('sessions').select('id').execute()).length,
    clients: (await t.study.db.selectFrom('clients').select('id').execute()).length,
    therapists: (await t.study.db.selectFrom('therapists').select('id').execute()).length,
    audit: (await t.study.db.selectFrom('audit').select('id').execute()).length,
  });

  describe('clients, therapists and sessions from the staff pages', () => {
    it('adds clients and therapists by pseudonymous id, audited, and refuses names and duplicates', async () => {
      const { cookie, csrf } = await signInAs(t.app, 'coordinator');
      const page = await (await t.app.request('/people', { headers: { cookie } })).text();
      expect(page).toContain('action="/sessions/import"');
      expect((await post(cookie, '/clients', { _csrf: csrf, id: 'C20' })).status).toBe(200);
      expect((await post(cookie, '/therapists', { _csrf: csrf, id: 'T9' })).status).toBe(200);
      const audit = await t.study.db
        .selectFrom('audit')
        .selectAll()
        .where('entity', 'in', ['client', 'therapist'])
        .execute();
      expect(audit.map((a) => `${a.actor} ${a.entity} ${a.entity_id}`)).toEqual([
        'coordinator client C20',
        'coordinator therapist T9',
      ]);
      const before = await rows();
      for (const id of ['Anna Schmidt', '', 'x'.repeat(33), '<b>C1</b>']) {
        const res = await post(cookie, '/clients', { _csrf: csrf, id });
        expect(res.status).toBe(422);
        expect(await res.text()).toContain('pseudonymous id');
      }
      expect((await post(cookie, '/clients', { _csrf: csrf, id: 'C20' })).status).toBe(422);
      expect((await post(cookie, '/clients', { id: 'C21' })).status).toBe(403);
      const analyst = await signInAs(t.app, 'analyst');
      expect((await post(analyst.cookie, '/therapists', { _csrf: analyst.csrf, id: 'T10' })).status).toBe(403);
      expect(await rows()).toEqual(before);
    });

    it('imports a sessions CSV whole, making its forms due on the grid', async () => {
      const { cookie, csrf } = await signInAs(t.app, 'coordinator');
      const before = await rows();
      const csv = `client,therapist,session,date\r\nC30,T4,1,${day()}\r\nC30,T4,2,${day()}\r\n"C31",T4,1,${day(1)}\r\n`;
      const res = await upload(cookie, csrf, csv);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Imported sessions.csv: 3 new sessions, 0 already recorded.');
      expect(await rows()).toEqual({
        sessions: before.sessions + 3,
        clients: before.clients + 2,
        therapists: before.therapists + 1,
        audit: before.audit + 3,
      });
      const grid = await (await t.app.request('/grid?client=C30', { headers: { cookie } })).text();
      expect(grid).toMatch(/<th scope="row">C30<\/th><td class="num">2<\/td>.*data-form="srs:client">due</);
      // The same file again changes nothing.
      expect(await (await upload(cookie, csrf, csv)).text()).toContain('0 new sessions, 3 already recorded');
    });

    it('refuses a bad file with every problem by line and column, writing nothing', async () => {
      const { cookie, csrf } = await signInAs(t.app, 'coordinator');
      const before = await rows();
      const bad = [
        'client,therapist,session,date',
        'C40,T4,1,2026-02-30',
        'Maria Muster,T4,x,2026-01-01',
        'C40,T4,1,2026-01-05',
        'C41,T4,1,2026-01-05',
      ].join('\n');
      const res = await upload(cookie, csrf, bad, 'week 1.csv');
      expect(res.status).toBe(422);
      const page = await res.text();
      expect(page).toContain('week_1.csv was not imported; nothing was written');
      const problems = [
        ...page.matchAll(/<tr><td class="num">(\d+)<\/td><td>([a-z]*)<\/td><td>([^<]+)<\/td><\/tr>/g),
      ].map((m) => `${m[1]} ${m[2]}: ${m[3]}`);
      expect(problems).toEqual([
        '2 date: a calendar date as YYYY-MM-DD',
        '3 client: a pseudonymous id of 1–32 letters, digits, dots, dashes or underscores (no names, no spaces)',
        '3 session: a whole number from 1 to 10000',
        '4 session: client C40 session 1 is on line 2 too',
      ]);
      // A header with a wrong column, and a row that contradicts a stored session (another therapist).
      const header = await (await upload(cookie, csrf, 'client,therapist,sesion,date\nC42,T4,1,2026-01-01\n')).text();
      expect(header).toContain('the header has no column &quot;session&quot;');
      expect(header).toContain('unknown column &quot;sesion&quot;');
      const conflict = await upload(
        cookie,
        csrf,
        `client,therapist,session,date\nC43,T4,1,2026-01-01\nC01,T7,1,${day()}\n`,
      );
      expect(conflict.status).toBe(422);
      expect(await conflict.text()).toMatch(
        /<td class="num">3<\/td><td><\/td><td>client C01 session 1 is recorded with therapist T1/,
      );
      expect(await rows()).toEqual(before);
    });
  });
});
