import { studyCounts, type Study, type StudyCounts } from '@alliance-lab/core';
import { loadRegistry } from '@alliance-lab/instruments';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { alertTable } from '../grid/alerts';
import { clientOverview, type ClientRow, type SelfReportForm } from '../read/client-overview';
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

/** `/`: what the study holds, and one row per client linking to its trajectory. */
export function overviewPages(study: Study): Hono {
  const registry = loadRegistry({ studyDir: study.dir });
  return new Hono().get('/', async (c) => {
    const counts = await studyCounts(study.db);
    const { clients, forms } = await clientOverview(study);
    const flagged = (await alertTable(study, registry)).filter((r) => r.current.length).length;
    const body = html`<h1>${study.config.name}</h1>
${flagged ? html`<p class="alert-marker" role="status"><strong>⚠ ${flagged} client${flagged === 1 ? '' : 's'} flagged</strong> at their latest SRS (below the cut-off or a drop): see <a href="/alerts">the alert table</a>.</p>` : ''}
${study.config.description ? html`<p>${study.config.description}</p>` : ''}
<dl class="counts">
${COUNT_LABELS.map(([key, label]) => html`<div><dt>${label}</dt><dd>${counts[key]}</dd></div>`)}
</dl>
<h2>Clients</h2>
${clients.length ? clientTable(clients, forms) : html`<p class="note">No sessions yet: import transcripts or questionnaires first.</p>`}
<h2>Data</h2>
<ul>
<li><a href="/api/scores?format=csv">every scale score as a long CSV</a> (as <code>alliance export scores</code>; filter with <code>instrument</code>, <code>form</code>, <code>scale</code>, <code>rater</code>)</li>
<li><a href="/api/sessions">sessions, with what each holds (JSON)</a></li>
<li><a href="/api/status">counts (JSON)</a></li>
</ul>`;
    return c.html(layout({ title: 'Overview', study: study.config.name, body }));
  });
}

function clientTable(clients: ClientRow[], forms: SelfReportForm[]) {
  return html`<table>
<thead><tr><th>client</th><th>therapist</th><th class="num">sessions</th><th class="num">transcripts</th>${forms.map(
    (f) => html`<th class="num">latest ${instrumentLabel(f.instrument)} ${f.form} total</th>`,
  )}</tr></thead>
<tbody>
${clients.map(
  (r) =>
    html`<tr><td><a href="/clients/${encodeURIComponent(r.client)}">${r.client}</a></td><td>${r.therapists.join(', ')}</td><td class="num">${r.sessions}</td><td class="num">${r.transcripts}</td>${forms.map(
      (f) => {
        const l = r.latest.find((x) => x.instrument === f.instrument && x.form === f.form);
        return html`<td class="num">${l ? html`${formatNumber(l.score)} <span class="note">(session ${l.session})</span>` : '–'}</td>`;
      },
    )}</tr>`,
)}
</tbody>
</table>`;
}
