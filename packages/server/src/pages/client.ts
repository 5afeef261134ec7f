import type { Study } from '@alliance-lab/core';
import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { z } from 'zod';
import { DefinitionId, parseQuery } from '../api/query';
import { checkedScale } from '../api/score-filter';
import { renderSvg } from '../chart/render-svg';
import { chartedSeries, trajectorySpec } from '../chart/trajectory-spec';
import { clientTrajectory, type ClientTrajectory } from '../read/client-trajectory';
import type { TrajectoryRuptures } from '../read/criterion-ruptures';
import { clientSrsAlerts, type ClientSrsAlerts } from '../read/srs-session-alerts';
import { instrumentLabel } from '../read/series-label';
import { notFound } from '../request-error';
import { formatNumber } from './format';
import { layout } from './layout';

const PageQuery = z.object({ scale: DefinitionId.default('total') });

/** `/clients/:id`: the client's trajectory as a chart and, below it, the same numbers as a table. */
export function clientPages(study: Study): Hono {
  return new Hono().get('/clients/:id', async (c) => {
    const scale = await checkedScale(c, study, parseQuery(c, PageQuery).scale);
    const id = c.req.param('id');
    const t = await clientTrajectory(study, id, scale);
    if (!t) throw notFound(`no client "${id}" in this study`);
    const spec = trajectorySpec(t);
    const svg = spec ? await renderSvg(spec) : null;
    const therapists = [...new Set(t.sessions.map((s) => s.therapist))];
    const srs = await clientSrsAlerts(study, t.client);
    const json = `/api/clients/${encodeURIComponent(t.client)}/trajectory?scale=${encodeURIComponent(scale)}`;
    const body = html`<h1>Client ${t.client}</h1>
<p>${t.sessions.length} session${t.sessions.length === 1 ? '' : 's'} with therapist ${therapists.join(', ')}; scale <strong>${scale}</strong>.</p>
<h2>Trajectory</h2>
${
  svg
    ? html`<figure>${raw(svg)}<figcaption class="note">${chartCaption(t)}</figcaption></figure>`
    : html`<p class="note">No ${scale} scores for this client yet.</p>`
}
${ruptureSection(t.ruptures)}
${srsSection(srs)}
<h2>Scores by session</h2>
${scoreTable(t)}
<p class="note">Each cell: the ${scale} score, then its POMP (0–100) in brackets; an automated rater's replicates are averaged. <a href="${json}">These numbers as JSON</a>.</p>
<p>Evidence by session (transcript, signals, quotes, ruptures): ${t.sessions.map(
      (s, i) =>
        html`${i ? ', ' : ''}<a href="/clients/${encodeURIComponent(t.client)}/sessions/${s.session}/evidence">${s.session}</a>`,
    )}</p>`;
    return c.html(layout({ title: `Client ${t.client}`, study: study.config.name, body }));
  });
}

function chartCaption(t: ClientTrajectory): string {
  const plotted = chartedSeries(t).length;
  const criterion = t.ruptures?.criterion;
  const self = criterion
    ? `the ${instrumentLabel(criterion.instrument)} ${criterion.form} self-report (the study's criterion)`
    : 'the self-reports';
  const marked = t.ruptures?.episodes.length ? '; dashed lines mark rupture sessions in the criterion' : '';
  return `${t.scale} as POMP for ${self}, coders and automated raters (${plotted} series)${marked}.`;
}

function ruptureSection(r: TrajectoryRuptures | null) {
  if (!r)
    return html`<p class="note">study.json names no <code>analysis.criterion</code>, so rupture–repair episodes are not looked for.</p>`;
  const name = `${instrumentLabel(r.criterion.instrument)} ${r.criterion.form} ${r.criterion.scale}`;
  if (r.unavailable)
    return html`<h2>Rupture–repair episodes</h2><p class="note">Not looked for in ${name}: ${r.unavailable}.</p>`;
  const rules = r.rules!;
  const heading = html`<h2>Rupture–repair episodes</h2>
<p class="note">In the client's ${name}: ${rules.criterion}, repair within ${rules.window} sessions, reliable-change threshold ${formatNumber(rules.reliableChange.threshold)} (study-wide), as <code>alliance stats ruptures</code>.</p>`;
  if (!r.screening) return html`${heading}<p>No ${name} scores for this client.</p>`;
  if (r.screening.skipped) return html`${heading}<p>Not screened: ${r.screening.skipped}.</p>`;
  if (r.episodes.length === 0) return html`${heading}<p>No episodes in ${r.screening.sessions} scored sessions.</p>`;
  return html`${heading}<table>
<thead><tr><th class="num">rupture session</th><th class="num">score</th><th class="num">pre-rupture level</th><th class="num">drop</th><th class="num">repaired at</th><th>note</th></tr></thead>
<tbody>
${r.episodes.map(
  (e) =>
    html`<tr><td class="num">${e.rupture.session}</td><td class="num">${formatNumber(e.rupture.score)}</td><td class="num">${formatNumber(e.preLevel)}</td><td class="num">${formatNumber(e.drop)}</td><td class="num">${e.repair ? e.repair.session : '–'}</td><td>${e.censored ? 'series ends before the repair window closes' : ''}</td></tr>`,
)}
</tbody>
</table>`;
}

function srsSection(r: ClientSrsAlerts) {
  if (r.sessions === 0) return '';
  const rules = r.rules
    .map((rule) =>
      rule.kind === 'below'
        ? `a total ${rule.inequality} ${rule.cutoff}`
        : `a drop of ${rule.minDrop} or more from the last session`,
    )
    .join('; ');
  const heading = html`<h2>SRS alerts</h2>
<p class="note">Flags in the client's SRS totals: ${rules} (cut-off and inequality from study.json's <code>analysis.srsAlert</code>).</p>`;
  if (r.alerts.length === 0) return html`${heading}<p>No alerts in ${r.sessions} SRS sessions.</p>`;
  return html`${heading}<table>
<thead><tr><th class="num">session</th><th class="num">total</th><th class="num">previous</th><th>alerts</th></tr></thead>
<tbody>
${r.alerts.map(
  (a) =>
    html`<tr><td class="num">${a.session}</td><td class="num">${formatNumber(a.score)}</td><td class="num">${a.previous === null ? '–' : formatNumber(a.previous)}</td><td>${a.alerts.map((x) => x.message).join('; ')}</td></tr>`,
)}
</tbody>
</table>`;
}

function scoreTable(t: ClientTrajectory) {
  if (t.series.length === 0) return html`<p class="note">No ${t.scale} scores for this client.</p>`;
  return html`<table>
<thead><tr><th class="num">session</th><th>date</th>${t.series.map((s) => html`<th class="num">${s.label}</th>`)}</tr></thead>
<tbody>
${t.sessions.map(
  (s) =>
    html`<tr><td class="num">${s.session}</td><td>${s.date ?? '–'}</td>${t.series.map((series) => {
      const p = series.points.find((x) => x.session === s.session);
      return html`<td class="num">${p ? `${formatNumber(p.score)} (${formatNumber(p.pomp, 1)})` : '–'}</td>`;
    })}</tr>`,
)}
</tbody>
</table>`;
}
