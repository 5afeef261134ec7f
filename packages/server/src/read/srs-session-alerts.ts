import { queryScores, type Study } from '@alliance-lab/core';
import { srsAlerts, type SrsAlertResult } from '@alliance-lab/core/stats';
import { loadRegistry } from '@alliance-lab/instruments';

export interface ClientSrsAlerts {
  /** Sessions of this client with at least one alert. */
  alerts: SrsAlertResult['alerts'];
  rules: SrsAlertResult['rules'];
  /** SRS totals this client has (0: nothing to flag, and the page says so). */
  sessions: number;
}

/**
 * The SRS alert rules (a total below the study's cut-off; a drop from the last session) over one client's
 * client-form SRS totals, with the cut-off and inequality from study.json's analysis.srsAlert, so a study that
 * uses "<= 36" sees the same flags here as in `alliance stats ruptures --rules srs-alerts --inequality "<="`.
 */
export async function clientSrsAlerts(study: Study, client: string): Promise<ClientSrsAlerts> {
  const rows = (
    await queryScores(study.db, {
      instrument: 'srs',
      form: 'client',
      scale: 'total',
      clients: [client],
      sources: ['self-report'],
    })
  ).filter((r) => r.score !== null);
  if (rows.length === 0) return { alerts: [], rules: [], sessions: 0 };
  const { cutoff, inequality } = study.config.analysis.srsAlert;
  const result = srsAlerts(
    { subject: rows.map((r) => r.client), session: rows.map((r) => r.session), value: rows.map((r) => r.score!) },
    { definition: loadRegistry({ studyDir: study.dir }).definition('srs'), cutoff, inequality },
  );
  return { alerts: result.alerts, rules: result.rules, sessions: rows.length };
}
