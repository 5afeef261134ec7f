import { listSessions, queryScores, type Study } from '@alliance-lab/core';

/** A self-report questionnaire with a total scale, as a column of the overview. */
export interface SelfReportForm {
  instrument: string;
  form: string;
}

export interface LatestTotal extends SelfReportForm {
  session: number;
  score: number;
}

export interface ClientRow {
  client: string;
  therapists: string[];
  sessions: number;
  transcripts: number;
  /** The most recent scored total of each self-report form the client has. */
  latest: LatestTotal[];
}

export interface ClientOverview {
  clients: ClientRow[];
  /** Every self-report form with a total in the study, the criterion first. */
  forms: SelfReportForm[];
}

export async function clientOverview(study: Study): Promise<ClientOverview> {
  const sessions = await listSessions(study.db);
  const totals = (await queryScores(study.db, { scale: 'total', sources: ['self-report'] })).filter(
    (r) => r.score !== null,
  );

  const clients = new Map<string, ClientRow>();
  for (const s of sessions) {
    let row = clients.get(s.client);
    if (!row)
      clients.set(s.client, (row = { client: s.client, therapists: [], sessions: 0, transcripts: 0, latest: [] }));
    row.sessions++;
    if (s.utterances !== null) row.transcripts++;
    if (!row.therapists.includes(s.therapist)) row.therapists.push(s.therapist);
  }
  const forms: SelfReportForm[] = [];
  // queryScores sorts by client and session, so a later row of the same form is a later session.
  for (const r of totals) {
    if (!forms.some((f) => f.instrument === r.instrument && f.form === r.form))
      forms.push({ instrument: r.instrument, form: r.form });
    const row = clients.get(r.client)!;
    const latest = { instrument: r.instrument, form: r.form, session: r.session, score: r.score! };
    const at = row.latest.findIndex((l) => l.instrument === r.instrument && l.form === r.form);
    if (at >= 0) row.latest[at] = latest;
    else row.latest.push(latest);
  }
  const criterion = study.config.analysis.criterion;
  const rank = (f: SelfReportForm) =>
    criterion && f.instrument === criterion.instrument && f.form === criterion.form ? 0 : 1;
  forms.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.instrument < b.instrument
        ? -1
        : a.instrument > b.instrument
          ? 1
          : a.form < b.form
            ? -1
            : a.form > b.form
              ? 1
              : 0),
  );
  return { clients: [...clients.values()], forms };
}
