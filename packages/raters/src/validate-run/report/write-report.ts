import { writeFileSync } from 'node:fs';
import type { Study } from '@alliance-lab/core';
import type { ValidationData } from '../data';
import type { ValidationResult } from '../run';
import { sessionIndex } from '../series';
import { fmt, fmtPair, summaryRows } from '../summary-rows';
import {
  blandAltmanChart,
  type Chart,
  forestChart,
  heatmapChart,
  projectionChart,
  scatterCharts,
  trajectoriesChart,
} from './charts';
import { esc } from './escape';
import { evidenceView, relativeDays, sessionWhen } from './evidence';
import { methodsParagraph } from './methods';
import { renderSvg } from './render-svg';

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3}figure{margin:1rem 0}figcaption{font-weight:600}mark{background:#ffe08a}
.transcript{font-size:13px}.transcript .cited{background:#f6f6ff}.who{color:#666;font-size:12px}details{margin:.3rem 0}`;

export interface ReportOptions {
  file: string;
  shareable: boolean;
}

/** Renders every chart's spec to inline SVG. */
async function renderCharts(charts: Array<Chart | null>): Promise<string> {
  const out: string[] = [];
  for (const c of charts) {
    if (!c) continue;
    out.push(
      `<figure id="chart-${esc(c.id)}" class="chart"><figcaption>${esc(c.title)}</figcaption>${await renderSvg(c.spec)}</figure>`,
    );
  }
  return out.join('\n');
}

/** The report as one HTML string: no script, no stylesheet or image from elsewhere, charts as inline SVG. */
export async function renderReport(
  study: Study,
  data: ValidationData,
  result: ValidationResult,
  shareable: boolean,
): Promise<string> {
  const info = sessionIndex(data.scores);
  const rows = summaryRows(result)
    .map(
      (r) =>
        `<tr><td>${esc(r.rater)}</td><td>${esc(r.statistic)}</td><td>${fmt(r.estimate)}</td><td>${fmtPair(r.ci95)}</td><td>${esc(r.n)}</td><td>${esc(r.method)}</td></tr>`,
    )
    .join('');
  const completion = result.raters
    .map((r) => {
      const c = r.completion;
      return `<tr><td>${esc(r.rater)}</td><td>${c.rated}</td><td>${c.cached}</td><td>${c.failed}</td><td>${c.inputTokens}</td><td>${c.outputTokens}</td><td>$${c.costUsd.toFixed(4)}</td><td>${fmt(c.costPerSession, 4)}</td><td>${fmt(c.latencyMs, 0)}</td></tr>`;
    })
    .join('');
  const days = relativeDays(info);
  const divergence = result.raters
    .flatMap((r) =>
      r.divergence.map((d) => {
        const s = info.get(`${d.client}/${d.session}`);
        return `<tr><td>${esc(r.rater)}</td><td>${esc(d.client)}</td><td>${d.session}</td><td>${s ? esc(sessionWhen(s, shareable, days)) : ''}</td><td>${fmt(d.rater, 1)}</td><td>${fmt(d.selfReport, 1)}</td><td>${fmt(d.difference, 1)}</td></tr>`;
      }),
    )
    .join('');
  const charts = await renderCharts([
    trajectoriesChart(data, result, info),
    ...scatterCharts(data, result, info),
    blandAltmanChart(data, result, info),
    forestChart(result),
    projectionChart(result),
    heatmapChart(data, info),
  ]);
  const evidence = await evidenceView(study, data, info, shareable);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Validation of raters: ${esc(result.study)}</title><style>${STYLE}</style></head><body>
<h1>Validation of raters: ${esc(result.study)}</h1>
<p>Generated ${esc(result.generatedAt)}${shareable ? '; shareable version: no transcript text, quotes or rationales, dates as days since each client’s first session' : ''}. Criterion: ${result.criterion ? esc(`${result.criterion.instrument}:${result.criterion.form} ${result.criterion.scale}`) : 'none'}.</p>
<h2>Summary</h2>
<table><thead><tr><th>rater</th><th>statistic</th><th>estimate</th><th>95% CI</th><th>n</th><th>method</th></tr></thead><tbody>${rows}</tbody></table>
<h2>Completion and cost</h2>
<table><thead><tr><th>rater</th><th>rated</th><th>cached</th><th>failed</th><th>input tokens</th><th>output tokens</th><th>cost</th><th>per session</th><th>latency ms</th></tr></thead><tbody>${completion}</tbody></table>
<h2>Charts</h2>
${charts}
<h2>Divergence</h2>
<p>Sessions where a rater and the client's self-report differ beyond the Bland–Altman limits of agreement.</p>
<table><thead><tr><th>rater</th><th>client</th><th>session</th><th>${shareable ? 'day' : 'date'}</th><th>rater POMP</th><th>self-report POMP</th><th>difference</th></tr></thead><tbody>${divergence}</tbody></table>
<h2>Evidence by session</h2>
${evidence}
<h2>Methods</h2>
${methodsParagraph(result)}
</body></html>
`;
}

export async function writeReport(
  study: Study,
  data: ValidationData,
  result: ValidationResult,
  opts: ReportOptions,
): Promise<void> {
  writeFileSync(opts.file, await renderReport(study, data, result, opts.shareable));
}
