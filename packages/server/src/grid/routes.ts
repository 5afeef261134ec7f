import {
  auditTrail,
  type CellState,
  collectionCells,
  countCells,
  csvEscape,
  invitationLog,
  issueLinks,
  type CollectionCell,
  readLinkKey,
  recordSession,
  StaffRole,
  addStaff,
  type Study,
  UsageError,
} from '@alliance-lab/core';
import type { InstrumentRegistry } from '@alliance-lab/instruments';
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { RequestError } from '../request-error';
import { csrfFor, requireStaff, type StaffEnv } from '../staff/auth';
import { staffPage } from '../staff/staff-layout';

const STATES: readonly CellState[] = ['done', 'due', 'overdue', 'expired', 'not scheduled'];

export interface GridOptions {
  /** Links are printed under this URL; the request's own origin when absent. */
  baseUrl?: string;
}

export function gridRoutes(study: Study, registry: InstrumentRegistry, opts: GridOptions): Hono<StaffEnv> {
  const app = new Hono<StaffEnv>();
  const key = readLinkKey(study.dir);
  const name = study.config.name;
  const page = (c: Context<StaffEnv>, title: string, body: ReturnType<typeof html> | ReturnType<typeof html>[]) =>
    c.html(staffPage({ title, study: name, staff: c.get('staff')!, csrf: csrfFor(c.get('sessionToken')!), body }));
  const base = (c: Context) => (opts.baseUrl ?? new URL(c.req.url).origin).replace(/\/$/, '');
  const forms = study.config.instruments.map((f) => `${f.instrument}:${f.form}`);

  app.get('/grid', requireStaff('read'), async (c) => {
    const client = c.req.query('client') ?? '';
    const state = c.req.query('state') ?? '';
    if (state && !STATES.includes(state as CellState))
      throw new RequestError(400, `state must be one of ${STATES.join(', ')}`);
    const cells = await collectionCells(study.db, study.config);
    const counts = countCells(cells);
    const rows = new Map<string, CollectionCell[]>();
    for (const cell of cells) {
      if (client && cell.client !== client) continue;
      const k = cell.sessionId;
      rows.set(k, [...(rows.get(k) ?? []), cell]);
    }
    const shown = [...rows.values()].filter((r) => !state || r.some((x) => x.state === state));
    const role = c.get('staff')!.role;
    return page(c, 'Completion grid', [
      html`<h1>Completion grid</h1>
<dl class="counts"><div><dt>scheduled</dt><dd>${counts.scheduled}</dd></div><div><dt>done</dt><dd>${counts.done}</dd></div><div><dt>due</dt><dd>${counts.due}</dd></div><div><dt>overdue</dt><dd>${counts.overdue}</dd></div><div><dt>missing (expired)</dt><dd>${counts.missing}</dd></div></dl>
<form method="get" action="/grid"><label for="f-client">Client</label><input id="f-client" name="client" value="${client}">
<label for="f-state">State</label><select id="f-state" name="state"><option value="">any</option>${STATES.map((s) => html`<option${s === state ? html` selected` : ''}>${s}</option>`)}</select>
<button type="submit">Filter</button></form>
<p><a href="/grid/missing.csv" download>Download what is missing (CSV)</a></p>
<table id="grid"><caption>Client × session × form</caption><thead><tr><th scope="col">client</th><th scope="col">session</th><th scope="col">date</th>${forms.map((f) => html`<th scope="col">${f}</th>`)}</tr></thead>
<tbody>${shown.map(
        (r) =>
          html`<tr><th scope="row">${r[0]!.client}</th><td class="num">${r[0]!.session}</td><td>${r[0]!.date ?? ''}</td>${r.map(
            (x) => html`<td class="${x.state.replace(' ', '-')}" data-form="${x.instrument}:${x.form}">${x.state}</td>`,
          )}</tr>`,
      )}</tbody></table>`,
      role === 'analyst'
        ? html``
        : html`<h2>Record a session</h2>
<form method="post" action="/sessions"><input type="hidden" name="_csrf" value="${csrfFor(c.get('sessionToken')!)}">
<label for="s-client">Client id</label><input id="s-client" name="client" required maxlength="32">
<label for="s-therapist">Therapist id</label><input id="s-therapist" name="therapist" required maxlength="32">
<label for="s-session">Session number</label><input id="s-session" name="session" type="number" min="1" required>
<label for="s-date">Date</label><input id="s-date" name="date" type="date" required>
<p><button type="submit">Record session</button></p></form>`,
    ]);
  });

  app.get('/grid/missing.csv', requireStaff('read'), async (c) => {
    const cells = (await collectionCells(study.db, study.config)).filter(
      (x) => x.state === 'due' || x.state === 'overdue' || x.state === 'expired',
    );
    const header = ['client', 'therapist', 'session', 'date', 'instrument', 'form', 'state', 'expires_at'];
    const lines = cells.map((x) =>
      [x.client, x.therapist, x.session, x.date ?? '', x.instrument, x.form, x.state, x.expiresAt]
        .map(csvEscape)
        .join(','),
    );
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', 'attachment; filename="missing.csv"');
    return c.body(`${[header.join(','), ...lines].join('\r\n')}\r\n`);
  });

  app.post('/sessions', requireStaff('collect'), async (c) => {
    const b = await c.req.parseBody();
    const s = (k: string) => (typeof b[k] === 'string' ? (b[k] as string).trim() : '');
    try {
      await recordSession(study.db, c.get('staff')!.name, {
        client: s('client'),
        therapist: s('therapist'),
        session: Number(s('session')),
        date: s('date'),
      });
    } catch (err) {
      if (err instanceof UsageError) throw new RequestError(422, err.message);
      throw err;
    }
    return c.redirect('/grid', 303);
  });

  /** Cells a link can still be sent for: scheduled, not done, not expired. */
  const dueCells = async () =>
    (await collectionCells(study.db, study.config)).filter((x) => x.state === 'due' || x.state === 'overdue');
  const version = (instrument: string) => registry.definition(instrument).version;

  app.get('/links', requireStaff('collect'), async (c) => {
    const cells = await dueCells();
    const issued = cells.filter((x) => x.invitation);
    const links = await issueLinks(study.db, key, issued, version);
    return page(
      c,
      'Links',
      html`<h1>Invitation links</h1>
<p>${cells.length} forms can be sent now; ${issued.length} have links. Links and codes name no client; hand them over, print them or mail-merge the CSV.</p>
<form method="post" action="/links"><input type="hidden" name="_csrf" value="${csrfFor(c.get('sessionToken')!)}"><button type="submit">Create links for every form due</button></form>
<p><a href="/links.csv" download>Download links (CSV)</a></p>
<table><thead><tr><th scope="col">client</th><th scope="col">session</th><th scope="col">form</th><th scope="col">link</th><th scope="col">code</th><th scope="col">expires</th></tr></thead>
<tbody>${links.map((l) => html`<tr><td>${l.client}</td><td class="num">${l.session}</td><td>${l.instrument}:${l.form}</td><td><a href="${base(c)}/f/${l.token}">${base(c)}/f/${l.token.slice(0, 6)}…</a></td><td><code>${l.code}</code></td><td>${l.expiresAt}</td></tr>`)}</tbody></table>`,
    );
  });

  app.post('/links', requireStaff('collect'), async (c) => {
    await issueLinks(study.db, key, await dueCells(), version);
    return c.redirect('/links', 303);
  });

  app.get('/links.csv', requireStaff('collect'), async (c) => {
    const links = await issueLinks(
      study.db,
      key,
      (await dueCells()).filter((x) => x.invitation),
      version,
    );
    const header = ['client', 'session', 'instrument', 'form', 'url', 'code', 'expires_at'];
    const lines = links.map((l) =>
      [l.client, l.session, l.instrument, l.form, `${base(c)}/f/${l.token}`, l.code, l.expiresAt]
        .map(csvEscape)
        .join(','),
    );
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', 'attachment; filename="links.csv"');
    return c.body(`${[header.join(','), ...lines].join('\r\n')}\r\n`);
  });

  app.get('/invitations', requireStaff('collect'), async (c) => {
    const log = await invitationLog(study.db);
    const open = (await collectionCells(study.db, study.config)).filter(
      (x) => x.invitation && !x.invitation.completedAt && x.state !== 'done',
    );
    return page(
      c,
      'Invitation log',
      html`<h1>Invitation log</h1>
<h2>Not completed (to remind)</h2>
<table><thead><tr><th scope="col">client</th><th scope="col">session</th><th scope="col">form</th><th scope="col">state</th><th scope="col">opened</th><th scope="col">started</th></tr></thead>
<tbody>${open.map((x) => html`<tr><td>${x.client}</td><td class="num">${x.session}</td><td>${x.instrument}:${x.form}</td><td>${x.state}</td><td>${x.invitation!.openedAt ?? ''}</td><td>${x.invitation!.startedAt ?? ''}</td></tr>`)}</tbody></table>
<h2>Events</h2>
<table><thead><tr><th scope="col">at</th><th scope="col">invitation</th><th scope="col">event</th></tr></thead>
<tbody>${log.map((e) => html`<tr><td>${e.at}</td><td>${e.invitation}</td><td>${e.event}</td></tr>`)}</tbody></table>`,
    );
  });

  app.get('/audit', requireStaff('admin'), async (c) => {
    const trail = (await auditTrail(study.db)).reverse().slice(0, 500);
    return page(
      c,
      'Audit',
      html`<h1>Audit</h1><p class="note">The latest 500 changes, newest first.</p>
<table><thead><tr><th scope="col">at</th><th scope="col">who</th><th scope="col">what</th><th scope="col">action</th><th scope="col">before</th><th scope="col">after</th></tr></thead>
<tbody>${trail.map((a) => html`<tr><td>${a.at}</td><td>${a.actor}</td><td>${a.entity} ${a.entityId}</td><td>${a.action}</td><td><code>${a.before === null ? '' : JSON.stringify(a.before)}</code></td><td><code>${a.after === null ? '' : JSON.stringify(a.after)}</code></td></tr>`)}</tbody></table>`,
    );
  });

  app.post('/staff', requireStaff('admin'), async (c) => {
    const b = await c.req.parseBody();
    const role = StaffRole.safeParse(b.role);
    if (!role.success) throw new RequestError(422, `role must be one of ${StaffRole.options.join(', ')}`);
    try {
      await addStaff(study.db, c.get('staff')!.name, {
        name: String(b.name ?? ''),
        role: role.data,
        password: String(b.password ?? ''),
      });
    } catch (err) {
      if (err instanceof UsageError) throw new RequestError(422, err.message);
      throw err;
    }
    return c.redirect('/audit', 303);
  });

  return app;
}
