import { studyCounts, type Study, type StudyCounts } from '@alliance-lab/core';
import { loadRegistry } from '@alliance-lab/instruments';
import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { z } from 'zod';
import { parseQuery } from '../api/query';
import { alertTable } from '../grid/alerts';
import { type ClientMarkers, clientMarkers, markersOf } from '../read/client-markers';
import { clientOverview, type ClientRow, type SelfReportForm } from '../read/client-overview';
import { latestValidation } from '../read/latest-validation';
import { instrumentLabel } from '../read/series-label';
import { formatNumber } from './format';
import { layout } from './layout';

const COUNT_LABELS: Array<[keyof StudyCounts, string]> = [
  ['clients', 'clients'],
  ['therapists', 'therapists'],
  ['sessions', 'sessions'],
  ['transcripts', 'transcripts'],
  ['utterances', 'utterances'],
  ['responses', 'questionnaires'],
  ['ratings', 'ratings'],
];

const MARKERS = ['srs', 'ruptures', 'divergence'] as const;
type Marker = (typeof MARKERS)[number];
const MARKER_LABELS: Record<Marker, string> = {
  srs: 'SRS alerts',
  ruptures: 'ruptures',
  divergence: 'divergence',
};
const OverviewQuery = z.object({
  sort: z.enum(['client', 'therapist', 'sessions', ...MARKERS]).default('client'),
  flag: z.enum(['all', 'any', ...MARKERS]).default('all'),
});
type OverviewQuery = z.output<typeof OverviewQuery>;

/** Sessions a marker flags for a client: rupture episodes in the self-report and rater-marked ruptures together. */
function flagged(m: ClientMarkers, marker: Marker): number[] {
  if (marker === 'srs') return m.srsAlerts;
  if (marker === 'divergence') return m.divergence;
  return [...new Set([...m.ruptures, ...m.raterRuptures])].sort((a, b) => a - b);
}

/**
 * `/`: what the study holds, and one row per client linking to its trajectory, with markers for SRS alerts,
 * ruptures (self-report episodes and rater-marked) and divergence from the latest validation run; `?sort=` and
 * `?flag=` sort and narrow the rows without a script.
 */
export function overviewPages(study: Study): Hono {
  const registry = loadRegistry({ studyDir: study.dir });
  return new Hono().get('/', async (c) => {
    const query = parseQuery(c, OverviewQuery);
    const counts = await studyCounts(study.db);
    const overview = await clientOverview(study);
    const validation = await latestValidation(study);
    const markers = await clientMarkers(study, validation);
    const { forms } = overview;
    const clients = arrange(overview.clients, markers, query);
    const alerted = (await alertTable(study, registry)).filter((r) => r.current.length).length;
    const body = html`<h1>${study.config.name}</h1>
${alerted ? html`<p class="alert-marker" role="status"><strong>⚠ ${alerted} client${alerted === 1 ? '' : 's'} flagged</strong> at their latest SRS (below the cut-off or a drop): see <a href="/alerts">the alert table</a>.</p>` : ''}
${study.config.description ? html`<p>${study.config.description}</p>` : ''}
<dl class="counts">
${COUNT_LABELS.map(([key, label]) => html`<div><dt>${label}</dt><dd>${counts[key]}</dd></div>`)}
</dl>
<h2>Clients</h2>
${
  overview.clients.length
    ? html`${filterForm(query)}${
        clients.length
          ? clientTable(clients, forms, markers, query)
          : html`<p class="note">No client has that marker.</p>`
      }`
    : html`<p class="note">No sessions yet: import transcripts or questionnaires first.</p>`
}
<h2>Validation</h2>
<p>${
      validation
        ? html`<a href="/validation">The latest validation run</a> (${validation.generatedAt}, ${validation.raters.join(', ')}) and <a href="/validation/report.html" download>its report</a>.`
        : html`<span class="note">No validation run yet: run <code>alliance validate --study DIR</code>.</span>`
    }</p>
<h2>Data</h2>
<ul>
<li><a href="/api/scores?format=csv">every scale score as a long CSV</a> (as <code>alliance export scores</code>; filter with <code>instrument</code>, <code>form</code>, <code>scale</code>, <code>rater</code>)</li>
<li><a href="/api/sessions">sessions, with what each holds (JSON)</a></li>
<li><a href="/api/status">counts (JSON)</a></li>
</ul>`;
    return c.html(layout({ title: 'Overview', study: study.config.name, body }));
  });
}

function arrange(rows: ClientRow[], markers: ReadonlyMap<string, ClientMarkers>, q: OverviewQuery): ClientRow[] {
  const flag = q.flag;
  const wanted: readonly Marker[] = flag === 'all' || flag === 'any' ? MARKERS : [flag];
  const kept =
    flag === 'all' ? rows : rows.filter((r) => wanted.some((k) => flagged(markersOf(markers, r.client), k).length > 0));
  const byName = (a: ClientRow, b: ClientRow) => (a.client < b.client ? -1 : a.client > b.client ? 1 : 0);
  const sort = q.sort;
  const key = (r: ClientRow): number | string =>
    sort === 'client'
      ? 0
      : sort === 'therapist'
        ? r.therapists.join(',')
        : sort === 'sessions'
          ? -r.sessions
          : -flagged(markersOf(markers, r.client), sort).length;
  return [...kept].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : 0) || byName(a, b);
  });
}

const hrefOf = (q: OverviewQuery) => {
  const p = new URLSearchParams();
  if (q.sort !== 'client') p.set('sort', q.sort);
  if (q.flag !== 'all') p.set('flag', q.flag);
  const s = p.toString();
  return s ? `/?${s}` : '/';
};

function sortHeader(label: string, sort: OverviewQuery['sort'], q: OverviewQuery, num = false) {
  const here = q.sort === sort;
  return html`<th${num ? raw(' class="num"') : ''}${here ? raw(' aria-sort="descending"') : ''}><a href="${hrefOf({ ...q, sort })}">${label}</a></th>`;
}

function filterForm(q: OverviewQuery) {
  const options: Array<[OverviewQuery['flag'], string]> = [
    ['all', 'every client'],
    ['any', 'any marker'],
    ...MARKERS.map((m): [Marker, string] => [m, MARKER_LABELS[m]]),
  ];
  return html`<form method="get" action="/" class="filter">
${q.sort !== 'client' ? html`<input type="hidden" name="sort" value="${q.sort}">` : ''}
<label>Show <select name="flag">${options.map(
    ([v, label]) => html`<option value="${v}"${v === q.flag ? raw(' selected') : ''}>${label}</option>`,
  )}</select></label> <button type="submit">Filter</button>
</form>`;
}

function markerCell(client: string, sessions: number[]) {
  if (sessions.length === 0) return html`<td class="num">–</td>`;
  return html`<td class="num marker">${sessions.length} <span class="note">(${sessions.map(
    (s, i) => html`${i ? ', ' : ''}<a href="/clients/${encodeURIComponent(client)}/sessions/${s}/evidence">${s}</a>`,
  )})</span></td>`;
}

function clientTable(
  clients: ClientRow[],
  forms: SelfReportForm[],
  markers: ReadonlyMap<string, ClientMarkers>,
  q: OverviewQuery,
) {
  return html`<table>
<thead><tr>${sortHeader('client', 'client', q)}${sortHeader('therapist', 'therapist', q)}${sortHeader('sessions', 'sessions', q, true)}<th class="num">transcripts</th>${forms.map(
    (f) => html`<th class="num">latest ${instrumentLabel(f.instrument)} ${f.form} total</th>`,
  )}${MARKERS.map((m) => sortHeader(MARKER_LABELS[m], m, q, true))}</tr></thead>
<tbody>
${clients.map((r) => {
  const m = markersOf(markers, r.client);
  return html`<tr><td><a href="/clients/${encodeURIComponent(r.client)}">${r.client}</a></td><td>${r.therapists.join(', ')}</td><td class="num">${r.sessions}</td><td class="num">${r.transcripts}</td>${forms.map(
    (f) => {
      const l = r.latest.find((x) => x.instrument === f.instrument && x.form === f.form);
      return html`<td class="num">${l ? html`${formatNumber(l.score)} <span class="note">(session ${l.session})</span>` : '–'}</td>`;
    },
  )}${MARKERS.map((k) => markerCell(r.client, flagged(m, k)))}</tr>`;
})}
</tbody>
</table>
<p class="note">Markers: sessions with an SRS alert (the study's cut-off or a drop); rupture sessions, from rupture–repair episodes in the criterion self-report and from rater-marked in-session ruptures; sessions beyond the Bland–Altman limits between a rater and the self-report in the latest validation run. Each session links to its evidence.</p>`;
}
