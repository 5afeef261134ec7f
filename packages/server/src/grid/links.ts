import { collectionCells, csvEscape, type IssuedLink, issueLinks, readLinkKey, type Study } from '@alliance-lab/core';
import type { InstrumentRegistry } from '@alliance-lab/instruments';
import { type Context, Hono } from 'hono';
import { html, raw } from 'hono/html';
import QRCode from 'qrcode';
import { requireStaff, type StaffEnv } from '../staff/auth';
import { csrfOf, csvResponse, staffHtml } from './page';
import { layout } from '../pages/layout';

export interface LinkOptions {
  /** Links are printed under this URL; the request's own origin when absent. */
  baseUrl?: string;
}

/** The columns of links.csv, for a mail-merge: client ids join the links to contacts kept elsewhere. */
export const LINK_CSV_COLUMNS = ['client', 'session', 'instrument', 'form', 'url', 'code', 'expires_at'] as const;

/**
 * A link's QR code as inline SVG, made on this machine by the `qrcode` library: a link never goes to an online
 * QR service. Error correction M survives a crease or a smudge on paper.
 */
export async function qrSvg(url: string, label: string): Promise<string> {
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return svg.replace('<svg ', `<svg role="img" aria-label="${label.replace(/[^A-Za-z0-9 .:_-]/g, '')}" `);
}

/** Links and codes for the forms that are due, as a table, a mail-merge CSV and printable cards. */
export function linkRoutes(study: Study, registry: InstrumentRegistry, opts: LinkOptions): Hono<StaffEnv> {
  const app = new Hono<StaffEnv>();
  const key = readLinkKey(study.dir);
  const base = (c: Context) => (opts.baseUrl ?? new URL(c.req.url).origin).replace(/\/$/, '');
  const version = (instrument: string) => registry.definition(instrument).version;
  /** Cells a link can still be sent for: scheduled, not done, not expired. */
  const dueCells = async () =>
    (await collectionCells(study.db, study.config)).filter((x) => x.state === 'due' || x.state === 'overdue');
  /** The links already created for forms still due; creating them is the POST's job, not a GET's. */
  const issued = async (): Promise<IssuedLink[]> =>
    issueLinks(
      study.db,
      key,
      (await dueCells()).filter((x) => x.invitation),
      version,
    );

  app.get('/links', requireStaff('collect'), async (c) => {
    const cells = await dueCells();
    const links = await issued();
    return staffHtml(
      c,
      study,
      'Links',
      html`<h1>Invitation links</h1>
<p>${cells.length} forms can be sent now; ${links.length} have links. Links and codes name no client; hand them over, print them or mail-merge the CSV.</p>
<form method="post" action="/links"><input type="hidden" name="_csrf" value="${csrfOf(c)}"><button type="submit">Create links for every form due</button></form>
<p><a href="/links.csv" download>Download links (CSV)</a> · <a href="/links/print">Print links with QR codes</a></p>
<table><thead><tr><th scope="col">client</th><th scope="col">session</th><th scope="col">form</th><th scope="col">link</th><th scope="col">code</th><th scope="col">expires</th></tr></thead>
<tbody>${links.map((l) => html`<tr><td>${l.client}</td><td class="num">${l.session}</td><td>${l.instrument}:${l.form}</td><td><a href="${base(c)}/f/${l.token}">${base(c)}/f/${l.token.slice(0, 6)}…</a></td><td><code>${l.code}</code></td><td>${l.expiresAt}</td></tr>`)}</tbody></table>`,
    );
  });

  app.post('/links', requireStaff('collect'), async (c) => {
    await issueLinks(study.db, key, await dueCells(), version);
    return c.redirect('/links', 303);
  });

  app.get('/links.csv', requireStaff('collect'), async (c) =>
    csvResponse(
      c,
      'links.csv',
      LINK_CSV_COLUMNS,
      (await issued()).map((l) =>
        [l.client, l.session, l.instrument, l.form, `${base(c)}/f/${l.token}`, l.code, l.expiresAt]
          .map(csvEscape)
          .join(','),
      ),
    ),
  );

  // A page of its own, without the staff navigation: what is printed is the cards and nothing else.
  app.get('/links/print', requireStaff('collect'), async (c) => {
    const links = await issued();
    const origin = base(c);
    const readable = readableIn(study.config.collection.timeZone);
    const cards = await Promise.all(
      links.map(async (l) => {
        const url = `${origin}/f/${l.token}`;
        const name = registry.definition(l.instrument).name;
        return html`<article class="card"><h2>${name}</h2>
<p class="who">Client <strong>${l.client}</strong> · session ${l.session} · <span class="form">${l.instrument}:${l.form}</span></p>
${raw(await qrSvg(url, `QR code of the link for client ${l.client} session ${l.session} ${l.instrument}`))}
<p>Scan the code with a phone camera, or go to <strong>${origin}/code</strong> and type <strong class="code">${l.code}</strong></p>
<p class="expiry">Open until ${readable(l.expiresAt)}</p></article>`;
      }),
    );
    return c.html(
      layout({
        title: 'Printable links',
        study: study.config.name,
        body: html`<style>
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:1rem}
.card{border:1px dashed #767676;padding:.75rem;break-inside:avoid;page-break-inside:avoid}
.card h2{font-size:1rem;margin:0 0 .3rem}.card svg{width:11rem;height:11rem;display:block;margin:.3rem auto}
.card p{margin:.3rem 0}.code{font-family:ui-monospace,monospace;letter-spacing:.15em;font-size:1.1rem}
@media print{header,.screen-only{display:none}body{max-width:none;padding:0;font-size:11pt}
.cards{grid-template-columns:repeat(2,1fr);gap:6mm}.card{border-color:#000}@page{margin:12mm}}
</style>
<h1 class="screen-only">Printable links</h1>
<p class="screen-only">${links.length} cards, one per form due that has a link (create links first on <a href="/links">the links page</a>). Each card names the client only by pseudonym. <a href="/links">Back to the links</a></p>
${links.length ? html`<div class="cards">${cards}</div>` : html`<p>No links to print.</p>`}`,
      }),
    );
  });

  return app;
}

/** An expiry as the clock on the study's wall shows it, since that is where the card is handed over. */
function readableIn(timeZone: string): (iso: string) => string {
  const f = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' });
  return (iso) => `${f.format(new Date(iso))} (${timeZone})`;
}
