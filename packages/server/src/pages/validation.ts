import type { Study } from '@alliance-lab/core';
import { loadValidationData, summaryRows } from '@alliance-lab/raters';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { parseQuery } from '../api/query';
import { latestValidation } from '../read/latest-validation';
import { notFound } from '../request-error';
import { formatNumber } from './format';
import { layout } from './layout';

const ReportQuery = z.object({ shareable: z.enum(['0', '1']).default('0') });

const interval = (ci: readonly [number, number] | null) =>
  ci ? `[${formatNumber(ci[0], 3)}, ${formatNumber(ci[1], 3)}]` : '–';

/**
 * `/validation`: the latest stored `alliance validate` run as the summary table a paper prints, with the
 * report to download; `/validation/report.html` renders that report (`?shareable=1`: without transcript text,
 * quotes, rationales or dates).
 */
export function validationPages(study: Study): Hono {
  return new Hono()
    .get('/validation', async (c) => {
      const run = await latestValidation(study);
      const body = run
        ? html`<h1>Latest validation</h1>
<p>Run ${run.generatedAt} over ${run.raters.join(', ')}; criterion ${run.result.criterion ? `${run.result.criterion.instrument}:${run.result.criterion.form} ${run.result.criterion.scale}` : 'none'}.</p>
<p><a href="/validation/report.html" download>Download the report (HTML)</a> · <a href="/validation/report.html?shareable=1" download>shareable version</a> (no transcript text, quotes, rationales or dates)</p>
<h2>Summary</h2>
<table>
<thead><tr><th>rater</th><th>statistic</th><th class="num">estimate</th><th>95% CI</th><th>n</th><th>method</th></tr></thead>
<tbody>
${summaryRows(run.result).map(
  (r) =>
    html`<tr><td>${r.rater}</td><td>${r.statistic}</td><td class="num">${formatNumber(r.estimate, 3)}</td><td>${interval(r.ci95)}</td><td>${r.n}</td><td>${r.method}</td></tr>`,
)}
</tbody>
</table>
<h2>Divergence</h2>
${divergenceTable(run.result.raters)}`
        : html`<h1>Latest validation</h1>
<p class="note">No validation run is stored yet: run <code>alliance validate --study DIR</code>.</p>`;
      return c.html(layout({ title: 'Validation', study: study.config.name, body }));
    })
    .get('/validation/report.html', async (c) => {
      const { shareable } = parseQuery(c, ReportQuery);
      const run = await latestValidation(study);
      if (!run) throw notFound('no validation run is stored yet: run alliance validate --study DIR');
      // The report module brings vega with it: loaded on the first download, not with the server.
      const { renderReport } = await import('@alliance-lab/raters/report');
      const data = await loadValidationData(study, run.raters);
      const page = await renderReport(study, data, run.result, shareable === '1');
      const name = `validation-${run.generatedAt.replace(/[^0-9A-Za-z]/g, '')}${shareable === '1' ? '-shareable' : ''}.html`;
      c.header('Content-Disposition', `attachment; filename="${name}"`);
      return c.html(page);
    });
}

function divergenceTable(
  raters: ReadonlyArray<{
    rater: string;
    divergence: Array<{ client: string; session: number; rater: number; selfReport: number; difference: number }>;
  }>,
) {
  const rows = raters.flatMap((r) => r.divergence.map((d) => ({ ...d, who: r.rater })));
  if (rows.length === 0) return html`<p class="note">No session lies beyond the limits of agreement.</p>`;
  return html`<p class="note">Sessions where a rater and the client's self-report (POMP) differ beyond the Bland–Altman limits of agreement.</p>
<table>
<thead><tr><th>rater</th><th>client</th><th class="num">session</th><th class="num">rater</th><th class="num">self-report</th><th class="num">difference</th><th></th></tr></thead>
<tbody>
${rows.map(
  (d) =>
    html`<tr><td>${d.who}</td><td><a href="/clients/${encodeURIComponent(d.client)}">${d.client}</a></td><td class="num">${d.session}</td><td class="num">${formatNumber(d.rater, 1)}</td><td class="num">${formatNumber(d.selfReport, 1)}</td><td class="num">${formatNumber(d.difference, 1)}</td><td><a href="/clients/${encodeURIComponent(d.client)}/sessions/${d.session}/evidence">evidence</a></td></tr>`,
)}
</tbody>
</table>`;
}
