import { randomBytes } from 'node:crypto';
import {
  addStaff,
  auditTrail,
  listStaff,
  setStaffPassword,
  setStaffRole,
  StaffRole,
  type Study,
} from '@alliance-lab/core';
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { refusing } from '../grid/routes';
import { csrfOf, field, type Html, staffHtml } from '../grid/page';
import { RequestError } from '../request-error';
import { requireStaff, type StaffEnv } from './auth';

/** A one-time password as `alliance users add` makes one: 120 random bits, shown once to the admin. */
const oneTimePassword = () => randomBytes(15).toString('base64url');

/**
 * Account management for admins: the staff list with roles, adding an account, changing a role, resetting a
 * password; and the audit page. Every change is a POST with the CSRF token and lands in the audit.
 */
export function adminRoutes(study: Study): Hono<StaffEnv> {
  const app = new Hono<StaffEnv>();

  const page = async (c: Context<StaffEnv>, message?: Html) => {
    const staff = await listStaff(study.db);
    const csrf = csrfOf(c);
    const roles = (current?: string) =>
      StaffRole.options.map((r) => html`<option${r === current ? html` selected` : ''}>${r}</option>`);
    return staffHtml(
      c,
      study,
      'Staff',
      html`<h1>Staff accounts</h1>
${message ?? ''}
<table id="staff"><thead><tr><th scope="col">name</th><th scope="col">role</th><th scope="col">state</th><th scope="col">since</th><th scope="col">change role</th><th scope="col">password</th></tr></thead>
<tbody>${staff.map(
        (
          s,
          i,
        ) => html`<tr data-staff="${s.name}"><th scope="row">${s.name}</th><td>${s.role}</td><td>${s.locked ? 'locked' : 'active'}</td><td>${s.createdAt.slice(0, 10)}</td>
<td><form method="post" action="/staff/role"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="name" value="${s.name}"><label class="inline" for="role-${i}">Role of ${s.name}</label> <select id="role-${i}" name="role">${roles(s.role)}</select> <button type="submit">Change</button></form></td>
<td><form method="post" action="/staff/password"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="name" value="${s.name}"><button type="submit">Reset password of ${s.name}</button></form></td></tr>`,
      )}</tbody></table>
<h2>Add an account</h2>
<form method="post" action="/staff"><input type="hidden" name="_csrf" value="${csrf}">
<label for="n-name">Sign-in name</label><input id="n-name" name="name" required maxlength="64" autocomplete="off">
<label for="n-role">Role</label><select id="n-role" name="role">${roles('coordinator')}</select>
<p class="note">A one-time password is made and shown once; pass it on in person.</p>
<p><button type="submit">Add account</button></p></form>`,
    );
  };
  const shown = (what: string, name: string, password: string) =>
    html`<div role="status"><p>${what} ${name}. Their one-time password, shown only now:</p><p><code id="one-time-password">${password}</code></p></div>`;

  app.get('/staff', requireStaff('admin'), (c) => page(c));

  app.post('/staff', requireStaff('admin'), async (c) => {
    const b = await c.req.parseBody();
    const role = StaffRole.safeParse(b.role);
    if (!role.success) throw new RequestError(422, `role must be one of ${StaffRole.options.join(', ')}`);
    const password = typeof b.password === 'string' && b.password !== '' ? b.password : oneTimePassword();
    const s = await refusing(() =>
      addStaff(study.db, c.get('staff')!.name, { name: field(b, 'name'), role: role.data, password }),
    );
    return page(
      c,
      b.password ? html`<p role="status">Added ${s.role} ${s.name}.</p>` : shown(`Added ${s.role}`, s.name, password),
    );
  });

  app.post('/staff/role', requireStaff('admin'), async (c) => {
    const b = await c.req.parseBody();
    const role = StaffRole.safeParse(b.role);
    if (!role.success) throw new RequestError(422, `role must be one of ${StaffRole.options.join(', ')}`);
    const name = field(b, 'name');
    await refusing(() => setStaffRole(study.db, c.get('staff')!.name, name, role.data));
    return page(c, html`<p role="status">${name} is now ${role.data === 'admin' ? 'an' : 'a'} ${role.data}.</p>`);
  });

  app.post('/staff/password', requireStaff('admin'), async (c) => {
    const name = field(await c.req.parseBody(), 'name');
    const password = oneTimePassword();
    await refusing(() => setStaffPassword(study.db, c.get('staff')!.name, name, password));
    return page(c, shown('Reset the password of', name, password));
  });

  app.get('/audit', requireStaff('admin'), async (c) => {
    const trail = (await auditTrail(study.db)).reverse().slice(0, 500);
    return staffHtml(
      c,
      study,
      'Audit',
      html`<h1>Audit</h1><p class="note">The latest 500 changes, newest first.</p>
<table><thead><tr><th scope="col">at</th><th scope="col">who</th><th scope="col">what</th><th scope="col">action</th><th scope="col">before</th><th scope="col">after</th></tr></thead>
<tbody>${trail.map((a) => html`<tr><td>${a.at}</td><td>${a.actor}</td><td>${a.entity} ${a.entityId}</td><td>${a.action}</td><td><code>${a.before === null ? '' : JSON.stringify(a.before)}</code></td><td><code>${a.after === null ? '' : JSON.stringify(a.after)}</code></td></tr>`)}</tbody></table>`,
    );
  });

  return app;
}
