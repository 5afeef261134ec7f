import { evaluateAlerts, type AlertOptions, type InstrumentDefinition } from '@alliance-lab/instruments';
import { groupBy } from '../grouping';
import type { SessionSeries } from './index';

/**
 * The SRS alert rule set ("srs-alerts"), kept apart from the rupture–repair episodes: the instrument's own
 * clinical flags, applied to each session of each client's series. The rules themselves (cut-off 36 with
 * "<", a drop of at least 1 point from the last session) live in the SRS definition file and are applied
 * by the instruments package's evaluateAlerts, so the CLI, the server and this series view agree.
 */

export interface SrsAlertOptions extends AlertOptions {
  /** The SRS definition (from the instruments registry): its alert rules are the ones applied. */
  definition: InstrumentDefinition;
  /** Form whose rules apply: 'client' (default) or 'child' (the child form has only the drop rule). */
  form?: string;
}

export interface SrsSessionAlert {
  client: string;
  session: number;
  score: number;
  /** The previous scored session's total, which the drop rule compares with. */
  previous: number | null;
  alerts: Array<{ kind: 'below' | 'drop'; message: string }>;
}

export interface SrsAlertResult {
  ruleSet: 'srs-alerts';
  /** Sessions with at least one alert. */
  alerts: SrsSessionAlert[];
  summary: { clients: number; sessions: number; flaggedSessions: number; below: number; drop: number };
  rules: Array<{ kind: string; cutoff?: number; inequality?: string; minDrop?: number; source: string }>;
  method: string;
}

export function srsAlerts(data: SessionSeries, opts: SrsAlertOptions): SrsAlertResult {
  const form = opts.form ?? 'client';
  const n = data.value.length;
  const g = groupBy(data.subject);
  const series: Array<Array<{ session: number; score: number }>> = g.levels.map(() => []);
  for (let i = 0; i < n; i++) series[g.index[i]!]!.push({ session: data.session[i]!, score: data.value[i]! });
  const out: SrsSessionAlert[] = [];
  let below = 0;
  let drop = 0;
  series.forEach((s, ci) => {
    s.sort((a, b) => a.session - b.session);
    s.forEach((o, t) => {
      const previous = t > 0 ? s[t - 1]!.score : null;
      const found = evaluateAlerts(
        opts.definition,
        form,
        { total: o.score },
        previous === null ? undefined : { total: previous },
        opts,
      );
      if (found.length === 0) return;
      for (const a of found) a.kind === 'below' ? below++ : drop++;
      out.push({
        client: g.levels[ci]!,
        session: o.session,
        score: o.score,
        previous,
        alerts: found.map((a) => ({ kind: a.kind, message: a.message })),
      });
    });
  });
  const rules = opts.definition.alerts
    .filter((r) => !r.forms || r.forms.includes(form as never))
    .map((r) =>
      r.kind === 'below'
        ? {
            kind: r.kind,
            cutoff: opts.cutoff ?? r.cutoff,
            inequality: opts.inequality ?? r.inequality,
            source: r.source,
          }
        : { kind: r.kind, minDrop: opts.minDrop ?? r.minDrop, source: r.source },
    );
  return {
    ruleSet: 'srs-alerts',
    alerts: out,
    summary: { clients: g.levels.length, sessions: n, flaggedSessions: out.length, below, drop },
    rules,
    method: `${opts.definition.id} alert rules for the ${form} form, applied to every session; the drop rule compares with the client's previous scored session`,
  };
}
