import type { TopLevelSpec } from 'vega-lite';
import type { ClientTrajectory, TrajectorySeries } from '../read/client-trajectory';

// Dark grey, not red: the default palette's third series is red, and a rater's line must not read as a rupture.
const RUPTURE_COLOUR = '#3c3c3c';

/**
 * What the chart plots: the criterion self-report (every self-report when study.json names no criterion), each
 * human coder and each automated rater. POMP puts instruments scored 1–5, 0–10 and 1–7 on one 0–100 axis.
 */
export function chartedSeries(t: ClientTrajectory): TrajectorySeries[] {
  const criterion = t.ruptures?.criterion;
  return t.series.filter(
    (s) =>
      s.source !== 'self-report' || !criterion || (s.instrument === criterion.instrument && s.form === criterion.form),
  );
}

/** The client's trajectory as a vega-lite spec, or null when there is nothing to plot. */
export function trajectorySpec(t: ClientTrajectory): TopLevelSpec | null {
  const values = chartedSeries(t).flatMap((s) =>
    s.points.filter((p) => p.pomp !== null).map((p) => ({ session: p.session, pomp: p.pomp, series: s.label })),
  );
  if (values.length === 0) return null;
  const sessions = t.sessions.map((s) => s.session);
  const first = Math.min(...sessions);
  const last = Math.max(...sessions);
  const x = {
    field: 'session',
    type: 'quantitative' as const,
    // A one-session client still gets an axis with room either side of its point.
    scale: { domain: first < last ? [first, last] : [first - 1, last + 1] },
    axis: { title: 'session', tickMinStep: 1, format: 'd' },
  };
  const ruptures = (t.ruptures?.episodes ?? []).map((e) => ({
    session: e.rupture.session,
    label: e.repaired ? `rupture (repaired at ${e.repair!.session})` : 'rupture',
  }));
  return {
    description: `Trajectory of client ${t.client}: ${t.scale} as POMP (0–100) by session, for each source and rater${ruptures.length ? ', rupture sessions marked' : ''}`,
    width: 640,
    height: 300,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: {
            field: 'pomp',
            type: 'quantitative',
            scale: { domain: [0, 100] },
            axis: { title: `${t.scale} (POMP, 0–100)` },
          },
          color: {
            field: 'series',
            type: 'nominal',
            legend: { title: null, orient: 'bottom', direction: 'vertical', labelLimit: 0 },
          },
        },
      },
      ...(ruptures.length
        ? [
            {
              data: { values: ruptures },
              mark: { type: 'rule' as const, color: RUPTURE_COLOUR, strokeDash: [4, 3], strokeWidth: 1.5 },
              encoding: { x },
            },
            {
              data: { values: ruptures },
              mark: {
                type: 'text' as const,
                color: RUPTURE_COLOUR,
                align: 'left' as const,
                baseline: 'top' as const,
                dx: 3,
                y: 2,
              },
              encoding: { x, text: { field: 'label' } },
            },
          ]
        : []),
    ],
  };
}
