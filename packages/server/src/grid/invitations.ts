import {
  csvEscape,
  type InvitationStatus,
  invitationLog,
  invitationStatuses,
  linkToken,
  readLinkKey,
  type Study,
} from '@alliance-lab/core';
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { RequestError } from '../request-error';
import { requireStaff, type StaffEnv } from '../staff/auth';
import { csvResponse, staffHtml } from './page';

const STAGES = ['created', 'opened', 'started', 'completed', 'expired'] as const;

/** Sent, not completed, still open: the people a coordinator reminds. */
const toRemind = (s: InvitationStatus) => s.stage !== 'completed' && s.stage !== 'expired';

/** The invitation log: each invitation's stages, the list of non-completers to remind (and its CSV), the events. */
export function invitationRoutes(study: Study, opts: { baseUrl?: string }): Hono<StaffEnv> {
  const app = new Hono<StaffEnv>();
  const key = readLinkKey(study.dir);
  const base = (c: Context) => (opts.baseUrl ?? new URL(c.req.url).origin).replace(/\/$/, '');
  const t = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

  app.get('/invitations', requireStaff('collect'), async (c) => {
    const stage = c.req.query('stage') ?? '';
    if (stage && !(STAGES as readonly string[]).includes(stage))
      throw new RequestError(400, `stage must be one of ${STAGES.join(', ')}`);
    const all = await invitationStatuses(study.db);
    const shown = stage ? all.filter((s) => s.stage === stage) : all;
    const remind = all.filter(toRemind);
    const counts = STAGES.map((s) => [s, all.filter((x) => x.stage === s).length] as const);
    const log = await invitationLog(study.db, 200);
    return staffHtml(
      c,
      study,
      'Invitation log',
      html`<h1>Invitation log</h1>
<dl class="counts">${counts.map(([s, n]) => html`<div><dt>${s}</dt><dd>${n}</dd></div>`)}</dl>
<h2 id="remind">Not completed, still open (to remind)</h2>
<p>${remind.length} invitation${remind.length === 1 ? '' : 's'}. <a href="/invitations/remind.csv" download>Download the reminder list (CSV)</a> <span class="note">(client ids with their links, for a mail-merge; no names)</span></p>
<table><thead><tr><th scope="col">client</th><th scope="col">session</th><th scope="col">form</th><th scope="col">stage</th><th scope="col">opened</th><th scope="col">started</th><th scope="col">expires (UTC)</th></tr></thead>
<tbody>${remind.map((x) => html`<tr><td>${x.client}</td><td class="num">${x.session}</td><td>${x.instrument}:${x.form}</td><td>${x.stage}</td><td>${t(x.openedAt)}</td><td>${t(x.startedAt)}</td><td>${t(x.expiresAt)}</td></tr>`)}</tbody></table>
<h2>Every invitation</h2>
<form method="get" action="/invitations"><label for="f-stage">Stage</label><select id="f-stage" name="stage"><option value="">any</option>${STAGES.map((s) => html`<option${s === stage ? html` selected` : ''}>${s}</option>`)}</select> <button type="submit">Filter</button></form>
<table id="invitations"><thead><tr><th scope="col">client</th><th scope="col">session</th><th scope="col">form</th><th scope="col">stage</th><th scope="col">created</th><th scope="col">opened</th><th scope="col">started</th><th scope="col">completed</th><th scope="col">expires (UTC)</th></tr></thead>
<tbody>${shown.map((x) => html`<tr data-invitation="${x.id}"><td>${x.client}</td><td class="num">${x.session}</td><td>${x.instrument}:${x.form}</td><td>${x.stage}</td><td>${t(x.createdAt)}</td><td>${t(x.openedAt)}</td><td>${t(x.startedAt)}</td><td>${t(x.completedAt)}</td><td>${t(x.expiresAt)}</td></tr>`)}</tbody></table>
<h2>Latest events</h2>
<table><thead><tr><th scope="col">at (UTC)</th><th scope="col">invitation</th><th scope="col">event</th></tr></thead>
<tbody>${log.map((e) => html`<tr><td>${t(e.at)}</td><td>${e.invitation}</td><td>${e.event}</td></tr>`)}</tbody></table>`,
    );
  });

  app.get('/invitations/remind.csv', requireStaff('collect'), async (c) => {
    const remind = (await invitationStatuses(study.db)).filter(toRemind);
    return csvResponse(
      c,
      'remind.csv',
      ['client', 'session', 'instrument', 'form', 'stage', 'opened_at', 'started_at', 'expires_at', 'url'],
      remind.map((x) =>
        [
          x.client,
          x.session,
          x.instrument,
          x.form,
          x.stage,
          x.openedAt ?? '',
          x.startedAt ?? '',
          x.expiresAt,
          `${base(c)}/f/${linkToken(key, x.id)}`,
        ]
          .map(csvEscape)
          .join(','),
      ),
    );
  });

  return app;
}
