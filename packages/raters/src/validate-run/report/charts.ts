import type { TopLevelSpec } from 'vega-lite';
import { domainScores } from '../../domain-scores';
import type { Signal } from '../../result-schema';
import type { ValidationData } from '../data';
import type { ValidationResult } from '../run';
import { pairSeries, type SessionInfo, seriesOf } from '../series';

/** A chart of the report: its title, what it shows, and its spec. */
export interface Chart {
  id: string;
  title: string;
  spec: TopLevelSpec;
}

/** Clients charted one by one (trajectories, heat map); a study of thousands shows the first ones. */
export const CHARTED_CLIENTS = 12;

const pompAxis = (title: string) => ({
  field: 'pomp',
  type: 'quantitative' as const,
  scale: { domain: [0, 100] },
  axis: { title },
});

export function trajectoriesChart(
  data: ValidationData,
  result: ValidationResult,
  info: ReadonlyMap<string, SessionInfo>,
): Chart | null {
  const clients = [...new Set([...info.values()].map((s) => s.client))].slice(0, CHARTED_CLIENTS);
  const keep = new Set(clients);
  const values: Array<Record<string, unknown>> = [];
  const push = (series: ReadonlyMap<string, number>, label: string) => {
    for (const [id, pomp] of series) {
      const s = info.get(id);
      if (s && keep.has(s.client)) values.push({ client: s.client, session: s.session, pomp, series: label });
    }
  };
  if (result.criterion)
    push(
      seriesOf(data.scores, 'self-report', 'client', result.criterion, 'pomp'),
      `client ${result.criterion.instrument}`,
    );
  const coders = result.coders;
  if (coders)
    for (const c of coders.coders) push(seriesOf(data.scores, 'coder', c, coders.scale, 'pomp'), `coder ${c}`);
  for (const r of result.raters) if (r.scale) push(seriesOf(data.scores, 'rater', r.rater, r.scale, 'pomp'), r.rater);
  if (values.length === 0) return null;
  const markers: Array<Record<string, unknown>> = [];
  const marked = new Set<string>();
  for (const g of data.ratings)
    if (g.status === 'ok' && g.ruptures.length > 0 && !marked.has(`${g.rater}\u0000${g.sessionId}`)) {
      marked.add(`${g.rater}\u0000${g.sessionId}`);
      const s = info.get(g.sessionId);
      if (s && keep.has(s.client)) markers.push({ client: s.client, session: s.session, rater: g.rater });
    }
  return {
    id: 'trajectories',
    title: `Trajectories (POMP) of the first ${clients.length} clients, rater-marked ruptures as triangles`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      description: 'per-client trajectories of self-report, coders and raters on POMP, with rupture markers',
      data: {
        values: [
          ...values.map((v) => ({ ...v, kind: 'score' })),
          ...markers.map((m) => ({ ...m, kind: 'rupture', pomp: 3 })),
        ],
      },
      facet: { field: 'client', type: 'nominal', title: null },
      columns: 3,
      spec: {
        width: 220,
        height: 140,
        layer: [
          {
            transform: [{ filter: "datum.kind === 'score'" }],
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'session', type: 'quantitative', axis: { tickMinStep: 1, format: 'd' } },
              y: pompAxis('POMP'),
              color: { field: 'series', type: 'nominal', legend: { orient: 'bottom', title: null } },
            },
          },
          {
            transform: [{ filter: "datum.kind === 'rupture'" }],
            mark: { type: 'point', shape: 'triangle-up', filled: true, color: '#3c3c3c', size: 60 },
            encoding: { x: { field: 'session', type: 'quantitative' }, y: { field: 'pomp', type: 'quantitative' } },
          },
        ],
      },
    } as TopLevelSpec,
  };
}

export function scatterCharts(
  data: ValidationData,
  result: ValidationResult,
  info: ReadonlyMap<string, SessionInfo>,
): Chart[] {
  if (!result.criterion) return [];
  const y = seriesOf(data.scores, 'self-report', 'client', result.criterion, 'pomp');
  const within: Array<Record<string, unknown>> = [];
  const between: Array<Record<string, unknown>> = [];
  for (const r of result.raters) {
    if (!r.scale) continue;
    const p = pairSeries(seriesOf(data.scores, 'rater', r.rater, r.scale, 'pomp'), y, info);
    const byClient = new Map<string, { x: number; y: number; n: number }>();
    p.sessions.forEach((s, i) => {
      const e = byClient.get(s.client) ?? { x: 0, y: 0, n: 0 };
      e.x += p.x[i]!;
      e.y += p.y[i]!;
      e.n++;
      byClient.set(s.client, e);
    });
    p.sessions.forEach((s, i) => {
      const e = byClient.get(s.client)!;
      within.push({ rater: r.rater, x: p.x[i]! - e.x / e.n, y: p.y[i]! - e.y / e.n });
    });
    for (const [client, e] of byClient) between.push({ rater: r.rater, client, x: e.x / e.n, y: e.y / e.n });
  }
  const spec = (values: Array<Record<string, unknown>>, what: string): TopLevelSpec =>
    ({
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      description: `${what}: rater against ${result.criterion!.instrument} ${result.criterion!.scale}`,
      data: { values },
      facet: { field: 'rater', type: 'nominal', title: null },
      spec: {
        width: 260,
        height: 220,
        layer: [
          {
            mark: { type: 'point', opacity: 0.5 },
            encoding: {
              x: { field: 'x', type: 'quantitative', axis: { title: 'rater (POMP)' }, scale: { zero: false } },
              y: { field: 'y', type: 'quantitative', axis: { title: 'self-report (POMP)' }, scale: { zero: false } },
            },
          },
          {
            transform: [{ regression: 'y', on: 'x' }],
            mark: { type: 'line', color: '#444' },
            encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
          },
        ],
      },
    }) as TopLevelSpec;
  return [
    {
      id: 'within',
      title: 'Within clients: client-mean-centred sessions',
      spec: spec(within, 'within-client scatter'),
    },
    { id: 'between', title: 'Between clients: client means', spec: spec(between, 'between-client scatter') },
  ];
}

export function blandAltmanChart(
  data: ValidationData,
  result: ValidationResult,
  info: ReadonlyMap<string, SessionInfo>,
): Chart | null {
  const points: Array<Record<string, unknown>> = [];
  const rules: Array<Record<string, unknown>> = [];
  for (const r of result.raters)
    for (const v of r.vsCoders) {
      if (!v.blandAltman || !r.scale) continue;
      const label = `${r.rater} − ${v.coder === 'mean' ? "coders' mean" : v.coder}`;
      const x = seriesOf(data.scores, 'rater', r.rater, r.scale, 'pomp');
      const coderSeries =
        v.coder === 'mean'
          ? meanOf((result.coders?.coders ?? []).map((c) => seriesOf(data.scores, 'coder', c, v.scale, 'pomp')))
          : seriesOf(data.scores, 'coder', v.coder, v.scale, 'pomp');
      const p = pairSeries(x, coderSeries, info);
      p.x.forEach((a, i) => points.push({ pair: label, mean: (a + p.y[i]!) / 2, diff: a - p.y[i]! }));
      const loa = v.blandAltman.loa as [number, number];
      rules.push(
        { pair: label, value: v.blandAltman.bias as number, line: 'bias' },
        { pair: label, value: loa[0], line: 'limit' },
        { pair: label, value: loa[1], line: 'limit' },
      );
    }
  if (points.length === 0) return null;
  return {
    id: 'bland-altman',
    title: 'Bland–Altman plots (POMP): rater minus coder against their mean, bias and 95% limits of agreement',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      description: 'Bland–Altman plots of each rater against each coder and the coders mean',
      data: {
        values: [...points.map((p) => ({ ...p, kind: 'point' })), ...rules.map((r) => ({ ...r, kind: 'rule' }))],
      },
      facet: { field: 'pair', type: 'nominal', title: null },
      columns: 3,
      spec: {
        width: 220,
        height: 160,
        layer: [
          {
            transform: [{ filter: "datum.kind === 'point'" }],
            mark: { type: 'point', opacity: 0.6 },
            encoding: {
              x: { field: 'mean', type: 'quantitative', axis: { title: 'mean (POMP)' } },
              y: { field: 'diff', type: 'quantitative', axis: { title: 'difference (POMP)' } },
            },
          },
          {
            transform: [{ filter: "datum.kind === 'rule'" }],
            mark: { type: 'rule' },
            encoding: {
              y: { field: 'value', type: 'quantitative' },
              strokeDash: { field: 'line', type: 'nominal', legend: { orient: 'bottom', title: null } },
            },
          },
        ],
      },
    } as TopLevelSpec,
  };
}

function meanOf(series: Array<ReadonlyMap<string, number>>): Map<string, number> {
  const sums = new Map<string, { s: number; n: number }>();
  for (const m of series)
    for (const [k, v] of m) {
      const e = sums.get(k) ?? { s: 0, n: 0 };
      e.s += v;
      e.n++;
      sums.set(k, e);
    }
  return new Map([...sums].map(([k, e]) => [k, e.s / e.n]));
}

export function forestChart(result: ValidationResult): Chart | null {
  const rows: Array<Record<string, unknown>> = [];
  const add = (label: string, icc: Record<string, unknown> | null | undefined) => {
    const f = icc?.ICC2 as { icc: number | null; ci95: [number, number] | null } | undefined;
    if (f && f.icc !== null) rows.push({ label, icc: f.icc, lo: f.ci95?.[0] ?? f.icc, hi: f.ci95?.[1] ?? f.icc });
  };
  add('coders among themselves', result.coders?.icc);
  for (const r of result.raters) {
    add(`${r.rater}: replicates`, r.replicates?.icc);
    for (const v of r.vsCoders) add(`${r.rater} vs ${v.coder}`, v.icc);
  }
  if (rows.length === 0) return null;
  return {
    id: 'forest',
    title: 'Reliability forest plot: ICC(2,1) with 95% CI',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      description: 'ICC(2,1) estimates and intervals across raters and coders',
      data: { values: rows },
      width: 420,
      height: { step: 22 },
      layer: [
        {
          mark: { type: 'rule' },
          encoding: {
            y: { field: 'label', type: 'nominal', sort: null, axis: { title: null, labelLimit: 300 } },
            x: { field: 'lo', type: 'quantitative', scale: { domain: [-0.2, 1] }, axis: { title: 'ICC(2,1)' } },
            x2: { field: 'hi' },
          },
        },
        {
          mark: { type: 'point', filled: true, size: 60 },
          encoding: { y: { field: 'label', type: 'nominal', sort: null }, x: { field: 'icc', type: 'quantitative' } },
        },
      ],
    } as TopLevelSpec,
  };
}

export function projectionChart(result: ValidationResult): Chart | null {
  const values = result.raters.flatMap((r) =>
    (r.replicates?.projection ?? [])
      .filter((p) => p.icc !== null)
      .map((p) => ({ rater: r.rater, k: p.k, icc: p.icc, cost: p.costPerSession ?? 0 })),
  );
  if (values.length === 0) return null;
  return {
    id: 'projection',
    title: 'Replicates, reliability and cost: Spearman–Brown ICC of the mean of k runs, cost per session labelled',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      description: 'projected reliability and cost for 1 to 5 replicates',
      data: { values },
      width: 420,
      height: 240,
      encoding: {
        x: { field: 'k', type: 'quantitative', axis: { title: 'runs averaged (k)', tickMinStep: 1, format: 'd' } },
        y: { field: 'icc', type: 'quantitative', scale: { domain: [0, 1] }, axis: { title: 'projected ICC' } },
        color: { field: 'rater', type: 'nominal' },
      },
      layer: [
        { mark: { type: 'line', point: true } },
        {
          mark: { type: 'text', dy: -10, fontSize: 9 },
          encoding: { text: { field: 'cost', type: 'quantitative', format: '$.4f' } },
        },
      ],
    } as TopLevelSpec,
  };
}

export function heatmapChart(data: ValidationData, info: ReadonlyMap<string, SessionInfo>): Chart | null {
  const clients = new Set([...new Set([...info.values()].map((s) => s.client))].slice(0, CHARTED_CLIENTS));
  const sums = new Map<string, { client: string; session: number; domain: string; s: number; n: number }>();
  for (const g of data.ratings) {
    if (g.status !== 'ok' || g.signals.length === 0) continue;
    const s = info.get(g.sessionId);
    if (!s || !clients.has(s.client)) continue;
    for (const [domain, v] of Object.entries(domainScores(g.signals as Signal[]))) {
      const key = `${g.sessionId}\u0000${domain}`;
      const e = sums.get(key) ?? { client: s.client, session: s.session, domain, s: 0, n: 0 };
      e.s += v;
      e.n++;
      sums.set(key, e);
    }
  }
  if (sums.size === 0) return null;
  const values = [...sums.values()].map((e) => ({
    client: e.client,
    session: e.session,
    domain: e.domain,
    score: e.s / e.n,
  }));
  return {
    id: 'heatmap',
    title: 'Domain signals by session (mean over raters and runs; −1 concern … +1 strength)',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      description: 'heat map of five-domain signal scores across sessions per client',
      data: { values },
      facet: { row: { field: 'client', type: 'nominal', title: null } },
      spec: {
        width: 360,
        height: { step: 12 },
        mark: 'rect',
        encoding: {
          x: { field: 'session', type: 'ordinal' },
          y: { field: 'domain', type: 'nominal', axis: { title: null } },
          color: { field: 'score', type: 'quantitative', scale: { domain: [-1, 1], scheme: 'redblue' } },
        },
      },
    } as TopLevelSpec,
  };
}
