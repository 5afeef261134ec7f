import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Study } from '@alliance-lab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_LIMITS } from './forms/routes';
import { type CollectionStudy, createCollectionStudy, form, SRS_ANSWERS, signInAs } from './testing/collection-study';
import { storeKinds, useStore } from '../../../test/support/stores';

/**
 * What the store holds, as text: SQLite's file itself (freed pages included), or on PostgreSQL every row of
 * every table of the study's schema.
 */
async function storedBytes(study: Study): Promise<string> {
  if (study.sqlite) {
    study.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    return readFileSync(join(study.dir, 'study.sqlite')).toString('latin1');
  }
  const tables = (await study.db.introspection.getTables()).filter((table) => table.schema === study.schema);
  const rows = await Promise.all(
    tables.map((table) =>
      study.db
        .selectFrom(table.name as never)
        .selectAll()
        .execute(),
    ),
  );
  expect(tables.map((table) => table.name)).toContain('staff_sessions');
  return JSON.stringify(rows);
}

describe.each(storeKinds)('security on %s', (kind) => {
  useStore(kind, { shared: true });
  let t: CollectionStudy;
  beforeAll(async () => {
    t = await createCollectionStudy();
  });
  afterAll(() => t.remove());

  /** Everything the store holds, so a test can say "nothing was written". */
  async function snapshot() {
    const db = t.study.db;
    return {
      responses: await db.selectFrom('responses').selectAll().execute(),
      scores: await db.selectFrom('scores').selectAll().execute(),
      audit: await db.selectFrom('audit').selectAll().execute(),
      sessions: await db.selectFrom('sessions').selectAll().execute(),
      staff: (await db.selectFrom('staff').select(['id', 'name', 'role']).execute()).length,
      completed: (
        await db.selectFrom('invitations').select('completed_at').where('completed_at', 'is not', null).execute()
      ).length,
    };
  }

  const withCookie = (cookie: string, init: RequestInit) => ({
    ...init,
    headers: { ...(init.headers as Record<string, string>), cookie },
  });

  const PAYLOADS = ["1'; DROP TABLE responses; --", '<script>alert(1)</script>', '" onfocus="alert(1)', '1 OR 1=1'];

  describe('security', () => {
    it('refuses forged, reused, expired and truncated links with the right status, writing nothing', async () => {
      const ok = t.link('C01', 1, 'srs');
      expect((await t.app.request(`/f/${ok.token}`, form(SRS_ANSWERS))).status).toBe(200);
      const before = await snapshot();
      const forged = `${ok.token.slice(0, 42)}${ok.token.endsWith('A') ? 'B' : 'A'}`;
      expect((await t.app.request(`/f/${forged}`, form(SRS_ANSWERS))).status).toBe(404);
      expect((await t.app.request(`/f/${ok.token.slice(0, 20)}`, form(SRS_ANSWERS))).status).toBe(404);
      expect((await t.app.request(`/f/${ok.token}`, form(SRS_ANSWERS))).status).toBe(410);
      expect((await t.app.request(`/f/${t.link('C03', 1, 'srs').token}`, form(SRS_ANSWERS))).status).toBe(410);
      expect(await snapshot()).toEqual(before);
    });

    it("binds a link to its client, session and form: another client's link records only that client's form", async () => {
      const other = t.link('C02', 1, 'srs');
      expect((await t.app.request(`/f/${other.token}`, form(SRS_ANSWERS))).status).toBe(200);
      const rows = await t.study.db.selectFrom('responses').select(['session_id', 'instrument']).execute();
      expect(rows.filter((r) => r.session_id.startsWith('C02'))).toEqual([{ session_id: 'C02/1', instrument: 'srs' }]);
      // A field of another form (WAI-SR has items 5–12) is refused on an SRS link.
      const before = await snapshot();
      const res = await t.app.request(`/f/${t.link('C02', 2, 'srs').token}`, form({ ...SRS_ANSWERS, '12': '5' }));
      expect(res.status).toBe(400);
      expect(await snapshot()).toEqual(before);
    });

    it('refuses SQL and script payloads in every field, and never echoes them unescaped', async () => {
      const l = t.link('C01', 2, 'wai-sr');
      const before = await snapshot();
      for (const p of PAYLOADS) {
        for (const item of ['1', '6', '12']) {
          const values = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [String(i + 1), '3']));
          values[item] = p;
          const res = await t.app.request(`/f/${l.token}`, form(values));
          expect(res.status).toBe(422);
          const page = await res.text();
          expect(page).not.toContain('<script>alert');
          expect(page).not.toContain('" onfocus="alert');
        }
        expect((await t.app.request(`/f/${l.token}`, form({ [p]: '3' }))).status).toBe(400);
        expect((await t.app.request('/code', form({ code: p }))).status).toBe(404);
      }
      expect(await snapshot()).toEqual(before);
      expect(await t.study.db.selectFrom('responses').select('id').execute()).not.toHaveLength(0);
    });

    it('refuses oversized, malformed and wrongly typed bodies', async () => {
      const l = t.link('C01', 3, 'srs');
      const before = await snapshot();
      const big = await t.app.request(`/f/${l.token}`, form({ ...SRS_ANSWERS, '1': 'x'.repeat(40_000) }));
      expect(big.status).toBe(413);
      const json = await t.app.request(`/f/${l.token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(SRS_ANSWERS),
      });
      expect(json.status).toBe(415);
      const repeated = await t.app.request(`/f/${l.token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '1=5&1=6&2=5&3=5&4=5',
      });
      expect(repeated.status).toBe(400);
      const broken = await t.app.request(`/f/${l.token}`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=zz' },
        body: '--zz\r\nContent-Disposition: form-data; name="1"\r\n\r\n5',
      });
      expect([400, 422]).toContain(broken.status);
      expect(await snapshot()).toEqual(before);
    });

    it('answers a burst of wrong codes with 429 once the limit is reached', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < CODE_LIMITS.perAddress + 2; i++)
        statuses.push((await t.app.request('/code', form({ code: `WRONG${String(i).padStart(3, '2')}` }))).status);
      expect(statuses.slice(0, 2)).toEqual([404, 404]);
      expect(statuses.at(-1)).toBe(429);
      // Even a right code is refused while the address is blocked.
      expect((await t.app.request('/code', form({ code: t.link('C01', 3, 'srs').code }))).status).toBe(429);
    });

    it('refuses a coordinator on admin actions, an analyst on writes, and a missing or wrong CSRF token', async () => {
      const before = await snapshot();
      const coord = await signInAs(t.app, 'coordinator');
      const analyst = await signInAs(t.app, 'analyst');
      const newStaff = { name: 'mallory', role: 'admin', password: 'long enough password' };
      expect((await t.app.request('/audit', withCookie(coord.cookie, {}))).status).toBe(403);
      expect(
        (await t.app.request('/staff', withCookie(coord.cookie, form({ _csrf: coord.csrf, ...newStaff })))).status,
      ).toBe(403);
      const session = { client: 'C50', therapist: 'T1', session: '1', date: '2026-01-01' };
      expect(
        (await t.app.request('/sessions', withCookie(analyst.cookie, form({ _csrf: analyst.csrf, ...session }))))
          .status,
      ).toBe(403);
      expect((await t.app.request('/links', withCookie(analyst.cookie, {}))).status).toBe(403);
      expect((await t.app.request('/sessions', withCookie(coord.cookie, form(session)))).status).toBe(403);
      expect(
        (await t.app.request('/sessions', withCookie(coord.cookie, form({ _csrf: analyst.csrf, ...session })))).status,
      ).toBe(403);
      expect((await t.app.request('/sessions', form({ _csrf: coord.csrf, ...session }))).status).toBe(401);
      // SQL and script payloads in the staff fields are refused as invalid ids.
      for (const p of PAYLOADS)
        expect(
          (
            await t.app.request(
              '/sessions',
              withCookie(coord.cookie, form({ _csrf: coord.csrf, ...session, client: p })),
            )
          ).status,
        ).toBe(422);
      const login = await t.app.request('/login', form({ name: 'admin', password: 'admin password 1' }));
      expect(login.status).toBe(403);
      expect(await snapshot()).toEqual(before);
    });

    it('locks an account after repeated wrong passwords', async () => {
      const attempt = async (password: string) => {
        const page = await t.app.request('/login');
        const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
        return t.app.request('/login', {
          ...form({ _csrf: csrf, name: 'analyst', password }),
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            cookie: page.headers.get('set-cookie')!.split(';')[0]!,
          },
        });
      };
      for (let i = 0; i < 4; i++) expect((await attempt('wrong')).status).toBe(401);
      const locked = await attempt('wrong');
      expect(await locked.text()).toContain('locked');
      expect((await attempt('analyst password 3')).status).toBe(401);
    });

    it('keeps raw link tokens, codes, session cookies and passwords out of the database file and the log', async () => {
      const { cookie } = await signInAs(t.app, 'admin');
      // An unexpected error on a link path is logged with the token removed.
      await t.study.db.schema.alterTable('invitations').renameTo('invitations_away').execute();
      const token = t.link('C02', 3, 'srs').token;
      try {
        expect((await t.app.request(`/f/${token}`)).status).toBe(500);
      } finally {
        await t.study.db.schema.alterTable('invitations_away').renameTo('invitations').execute();
      }
      expect(t.logs.join('\n')).toContain('/f/…');
      expect(t.logs.join('\n')).not.toContain(token);
      await t.study.db.selectFrom('staff').select('id').execute();
      const bytes = await storedBytes(t.study);
      for (const l of t.links) {
        expect(bytes).not.toContain(l.token);
        expect(bytes).not.toContain(l.code);
      }
      expect(bytes).not.toContain(cookie.split('=')[1]!);
      expect(bytes).not.toContain('admin password 1');
    });
  });
});
