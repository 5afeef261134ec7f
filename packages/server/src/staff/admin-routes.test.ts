import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectionStudy, createCollectionStudy, form, signInAs } from '../testing/collection-study';
import { storeKinds, useStore } from '../../../../test/support/stores';

describe.each(storeKinds)('staff management for admins on %s', (kind) => {
  useStore(kind, { shared: true });
  let t: CollectionStudy;
  beforeAll(async () => {
    t = await createCollectionStudy();
  });
  afterAll(() => t.remove());

  const post = (cookie: string, path: string, values: Record<string, string>) =>
    t.app.request(path, { ...form(values), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie } });

  async function signIn(name: string, password: string) {
    const page = await t.app.request('/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    return t.app.request('/login', {
      ...form({ _csrf: csrf, name, password }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: page.headers.get('set-cookie')!.split(';')[0]!,
      },
    });
  }

  const staffAudit = async () =>
    (await t.study.db.selectFrom('audit').selectAll().where('entity', '=', 'staff').orderBy('id').execute()).map(
      (a) => ({
        actor: a.actor,
        before: a.before === null ? null : JSON.parse(a.before),
        after: JSON.parse(a.after!),
      }),
    );

  describe('staff management for admins', () => {
    it('lists staff with roles, adds an account with a one-time password, changes a role, resets a password', async () => {
      const { cookie, csrf } = await signInAs(t.app, 'admin');
      const list = await (await t.app.request('/staff', { headers: { cookie } })).text();
      for (const [name, role] of [
        ['admin', 'admin'],
        ['analyst', 'analyst'],
        ['coordinator', 'coordinator'],
      ])
        expect(list).toContain(`<tr data-staff="${name}"><th scope="row">${name}</th><td>${role}</td><td>active</td>`);
      expect(list).not.toContain('scrypt$');

      const added = await (await post(cookie, '/staff', { _csrf: csrf, name: 'bea', role: 'coordinator' })).text();
      const password = /<code id="one-time-password">([^<]+)<\/code>/.exec(added)![1]!;
      expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/);
      expect((await signIn('bea', password)).status).toBe(303);

      expect((await post(cookie, '/staff/role', { _csrf: csrf, name: 'bea', role: 'analyst' })).status).toBe(200);
      expect(await (await t.app.request('/staff', { headers: { cookie } })).text()).toContain(
        '<tr data-staff="bea"><th scope="row">bea</th><td>analyst</td>',
      );
      // A signed-in session of bea's keeps working under the new role, and ends when the password is reset.
      const beaCookie = (await signIn('bea', password)).headers.get('set-cookie')!.split(';')[0]!;
      expect((await t.app.request('/links', { headers: { cookie: beaCookie } })).status).toBe(403);
      const reset = await (await post(cookie, '/staff/password', { _csrf: csrf, name: 'bea' })).text();
      const fresh = /<code id="one-time-password">([^<]+)<\/code>/.exec(reset)![1]!;
      expect(fresh).not.toBe(password);
      expect((await t.app.request('/grid', { headers: { cookie: beaCookie } })).status).toBe(303);
      expect((await signIn('bea', password)).status).toBe(401);
      expect((await signIn('bea', fresh)).status).toBe(303);

      const audit = (await staffAudit()).filter((a) => a.actor === 'admin');
      expect(audit).toEqual([
        { actor: 'admin', before: null, after: { name: 'bea', role: 'coordinator' } },
        { actor: 'admin', before: { name: 'bea', role: 'coordinator' }, after: { name: 'bea', role: 'analyst' } },
        { actor: 'admin', before: null, after: { password: 'changed' } },
      ]);
      const page = await (await t.app.request('/audit', { headers: { cookie } })).text();
      expect(page).toContain('&quot;role&quot;:&quot;analyst&quot;');
      expect(page).not.toContain(fresh);
    });

    it('keeps the last admin, and refuses coordinators, analysts, a missing CSRF token and bad input', async () => {
      const admin = await signInAs(t.app, 'admin');
      const before = await staffAudit();
      const last = await post(admin.cookie, '/staff/role', { _csrf: admin.csrf, name: 'admin', role: 'analyst' });
      expect(last.status).toBe(422);
      expect(await last.text()).toContain('only admin');
      expect((await post(admin.cookie, '/staff', { _csrf: admin.csrf, name: 'a b', role: 'analyst' })).status).toBe(
        422,
      );
      expect((await post(admin.cookie, '/staff', { _csrf: admin.csrf, name: 'cy', role: 'root' })).status).toBe(422);
      expect((await post(admin.cookie, '/staff/password', { _csrf: admin.csrf, name: 'nobody' })).status).toBe(422);
      expect((await post(admin.cookie, '/staff/role', { name: 'analyst', role: 'admin' })).status).toBe(403);
      for (const role of ['coordinator', 'analyst'] as const) {
        const s = await signInAs(t.app, role);
        expect((await t.app.request('/staff', { headers: { cookie: s.cookie } })).status).toBe(403);
        expect((await post(s.cookie, '/staff/role', { _csrf: s.csrf, name: role, role: 'admin' })).status).toBe(403);
        expect((await post(s.cookie, '/staff/password', { _csrf: s.csrf, name: 'admin' })).status).toBe(403);
        expect((await post(s.cookie, '/staff', { _csrf: s.csrf, name: 'eve', role: 'admin' })).status).toBe(403);
      }
      expect(await staffAudit()).toEqual(before);
      const roles = await t.study.db.selectFrom('staff').select(['name', 'role']).orderBy('name').execute();
      expect(roles.filter((r) => r.role === 'admin').map((r) => r.name)).toEqual(['admin']);
    });
  });
});
