import {
  addPerson,
  type CollectionCell,
  collectionCells,
  countCells,
  csvEscape,
  importSessions,
  InputError,
  listPeople,
  parseSessionsCsv,
  recordSession,
  SESSION_CSV_COLUMNS,
  type Study,
  UsageError,
} from '@alliance-lab/core';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { html } from 'hono/html';
import { RequestError } from '../request-error';
import { requireStaff, type StaffEnv } from '../staff/auth';
import { filterCells, filterQuery, gridFilter, STATES } from './filters';
import { csrfOf, csvResponse, field, type Html, staffHtml } from './page';

/** A sessions file of a few thousand rows is well under this; more is a mistake or a flood. */
const MAX_IMPORT = 1024 * 1024;

/** The completion grid with its missing list, and the coordinator's forms that make forms due. */
export function gridRoutes(study: Study): Hono<StaffEnv> {
  const app = new Hono<StaffEnv>();
  const forms = study.config.instruments.map((f) => `${f.instrument}:${f.form}`);

  app.get('/grid', requireStaff('read'), async (c) => {
    const f = gridFilter((k) => c.req.query(k), forms);
    const cells = await collectionCells(study.db, study.config);
    const counts = countCells(cells);
    const columns = f.form ? [f.form] : forms;
    const rows = new Map<string, CollectionCell[]>();
    for (const cell of filterCells(cells, { ...f, state: '' }))
      rows.set(cell.sessionId, [...(rows.get(cell.sessionId) ?? []), cell]);
    const shown = [...rows.values()].filter((r) => !f.state || r.some((x) => x.state === f.state));
    const role = c.get('staff')!.role;
    return staffHtml(c, study, 'Completion grid', [
      html`<h1>Completion grid</h1>
<dl class="counts"><div><dt>scheduled</dt><dd>${counts.scheduled}</dd></div><div><dt>done</dt><dd>${counts.done}</dd></div><div><dt>due</dt><dd>${counts.due}</dd></div><div><dt>overdue</dt><dd>${counts.overdue}</dd></div><div><dt>missing (expired)</dt><dd>${counts.missing}</dd></div></dl>
<form method="get" action="/grid" class="filters"><label for="f-client">Client</label><input id="f-client" name="client" value="${f.client}" maxlength="32">
<label for="f-form">Form</label><select id="f-form" name="form"><option value="">any</option>${forms.map((x) => html`<option${x === f.form ? html` selected` : ''}>${x}</option>`)}</select>
<label for="f-state">State</label><select id="f-state" name="state"><option value="">any</option>${STATES.map((s) => html`<option${s === f.state ? html` selected` : ''}>${s}</option>`)}</select>
<button type="submit">Filter</button></form>
<p><a href="/grid/missing.csv${filterQuery(f)}" download>Download what is missing (CSV)</a>${filterQuery(f) ? html` <span class="note">(as filtered)</span>` : ''}</p>
<table id="grid"><caption>Client × session × form${shown.length === 0 ? ': nothing matches' : ''}</caption><thead><tr><th scope="col">client</th><th scope="col">session</th><th scope="col">date</th>${columns.map((x) => html`<th scope="col">${x}</th>`)}</tr></thead>
<tbody>${shown.map(
        (r) =>
          html`<tr><th scope="row">${r[0]!.client}</th><td class="num">${r[0]!.session}</td><td>${r[0]!.date ?? ''}</td>${r.map(
            (x) => html`<td class="${x.state.replace(' ', '-')}" data-form="${x.instrument}:${x.form}">${x.state}</td>`,
          )}</tr>`,
      )}</tbody></table>`,
      role === 'analyst' ? html`` : sessionForm(csrfOf(c)),
    ]);
  });

  app.get('/grid/missing.csv', requireStaff('read'), async (c) => {
    const f = gridFilter((k) => c.req.query(k), forms);
    const cells = filterCells(await collectionCells(study.db, study.config), f).filter(
      (x) => x.state === 'due' || x.state === 'overdue' || x.state === 'expired',
    );
    return csvResponse(
      c,
      'missing.csv',
      ['client', 'therapist', 'session', 'date', 'instrument', 'form', 'state', 'expires_at'],
      cells.map((x) =>
        [x.client, x.therapist, x.session, x.date ?? '', x.instrument, x.form, x.state, x.expiresAt]
          .map(csvEscape)
          .join(','),
      ),
    );
  });

  app.post('/sessions', requireStaff('collect'), async (c) => {
    const b = await c.req.parseBody();
    await refusing(() =>
      recordSession(study.db, c.get('staff')!.name, {
        client: field(b, 'client'),
        therapist: field(b, 'therapist'),
        session: Number(field(b, 'session') || Number.NaN),
        date: field(b, 'date'),
      }),
    );
    return c.redirect('/grid', 303);
  });

  const people = async (c: Parameters<typeof staffHtml>[0], message?: Html, status: 200 | 422 = 200) => {
    const { clients, therapists } = await listPeople(study.db);
    const csrf = csrfOf(c);
    return staffHtml(
      c,
      study,
      'Clients and sessions',
      html`<h1>Clients, therapists and sessions</h1>
${message ?? ''}
<p class="note">Clients and therapists are known by pseudonymous ids only (letters, digits, dots, dashes; no names). Sessions make the forms of the study's schedule due.</p>
<h2>Add a client</h2>
<form method="post" action="/clients"><input type="hidden" name="_csrf" value="${csrf}">
<label for="c-id">Client id</label><input id="c-id" name="id" required maxlength="32" pattern="[A-Za-z0-9._\\-]{1,32}">
<p><button type="submit">Add client</button></p></form>
<h2>Add a therapist</h2>
<form method="post" action="/therapists"><input type="hidden" name="_csrf" value="${csrf}">
<label for="t-id">Therapist id</label><input id="t-id" name="id" required maxlength="32" pattern="[A-Za-z0-9._\\-]{1,32}">
<p><button type="submit">Add therapist</button></p></form>
${sessionForm(csrf)}
<h2>Import sessions</h2>
<p>A CSV file with the header <code>${SESSION_CSV_COLUMNS.join(',')}</code> (date as YYYY-MM-DD). It is imported whole or not at all.</p>
<form method="post" action="/sessions/import" enctype="multipart/form-data"><input type="hidden" name="_csrf" value="${csrf}">
<label for="i-file">Sessions file (CSV)</label><input id="i-file" name="file" type="file" accept=".csv,text/csv" required>
<p><button type="submit">Import sessions</button></p></form>
<h2>In the study</h2>
<p>Clients (${clients.length}): ${clients.join(', ') || 'none yet'}</p>
<p>Therapists (${therapists.length}): ${therapists.join(', ') || 'none yet'}</p>`,
      status,
    );
  };

  app.get('/people', requireStaff('collect'), (c) => people(c));

  for (const kind of ['client', 'therapist'] as const)
    app.post(`/${kind}s`, requireStaff('collect'), async (c) => {
      const id = field(await c.req.parseBody(), 'id');
      await refusing(() => addPerson(study.db, c.get('staff')!.name, kind, id));
      return people(c, html`<p role="status">Added ${kind} ${id}.</p>`);
    });

  app.post(
    '/sessions/import',
    bodyLimit({
      maxSize: MAX_IMPORT,
      onError: () => {
        throw new RequestError(413, `a sessions file may hold at most ${MAX_IMPORT / 1024} KiB`);
      },
    }),
    requireStaff('collect'),
    async (c) => {
      const file = (await c.req.parseBody()).file;
      if (!(file instanceof File) || file.size === 0)
        throw new RequestError(422, 'choose a sessions CSV file to import');
      const name = file.name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) || 'sessions.csv';
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
      } catch {
        throw new RequestError(422, `${name} is not UTF-8 text`);
      }
      const parsed = parseSessionsCsv(text, name);
      const problems = (list: { line: number; column?: string; message: string }[]) =>
        people(
          c,
          html`<div role="alert" class="error"><p>${name} was not imported; nothing was written. Fix these and try again:</p>
<table><thead><tr><th scope="col">line</th><th scope="col">column</th><th scope="col">problem</th></tr></thead><tbody>${list.map((p) => html`<tr><td class="num">${p.line}</td><td>${p.column ?? ''}</td><td>${p.message}</td></tr>`)}</tbody></table></div>`,
          422,
        );
      if (!parsed.ok) return problems(parsed.problems);
      try {
        const r = await importSessions(study.db, c.get('staff')!.name, parsed.rows, name);
        return people(
          c,
          html`<p role="status">Imported ${name}: ${r.created} new sessions, ${r.existing} already recorded.</p>`,
        );
      } catch (err) {
        if (err instanceof InputError)
          return problems([{ line: err.location.line ?? 0, message: err.message.replace(/^[^:]+, line \d+: /, '') }]);
        throw err;
      }
    },
  );

  return app;
}

function sessionForm(csrf: string): Html {
  return html`<h2>Record a session</h2>
<form method="post" action="/sessions"><input type="hidden" name="_csrf" value="${csrf}">
<label for="s-client">Client id</label><input id="s-client" name="client" required maxlength="32">
<label for="s-therapist">Therapist id</label><input id="s-therapist" name="therapist" required maxlength="32">
<label for="s-session">Session number</label><input id="s-session" name="session" type="number" min="1" required>
<label for="s-date">Date</label><input id="s-date" name="date" type="date" required>
<p><button type="submit">Record session</button></p></form>`;
}

/** A store refusal (a bad id, a taken name) as a 422 page. */
export async function refusing<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UsageError || err instanceof InputError) throw new RequestError(422, err.message);
    throw err;
  }
}
