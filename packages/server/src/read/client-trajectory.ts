import { listSessions, queryScores, type ScoreRow, type Study } from '@alliance-lab/core';
import { criterionRuptures, type TrajectoryRuptures } from './criterion-ruptures';
import { seriesLabel } from './series-label';

export interface TrajectoryPoint {
  session: number;
  /** Mean over the rater's replicates (one value for self-reports and coders). */
  score: number;
  pomp: number | null;
  replicates: number;
}

export interface TrajectorySeries {
  label: string;
  source: ScoreRow['source'];
  /** "client" or "therapist" for self-reports, the coder's id, or the rater configuration's name. */
  rater: string;
  instrument: string;
  form: string;
  points: TrajectoryPoint[];
}

export interface ClientTrajectory {
  client: string;
  scale: string;
  sessions: Array<{ session_id: string; session: number; date: string | null; therapist: string }>;
  series: TrajectorySeries[];
  /** Rupture–repair episodes in the study's criterion self-report; null when study.json names no criterion. */
  ruptures: TrajectoryRuptures | null;
}

const SOURCE_ORDER: Record<ScoreRow['source'], number> = { 'self-report': 0, coder: 1, rater: 2 };

/**
 * One client's scores on one scale, session by session, one series per source, rater, instrument and form,
 * read through the score export so the page shows exactly the rows `alliance export scores` writes. Undefined
 * for a client the study does not hold.
 */
export async function clientTrajectory(
  study: Study,
  client: string,
  scale: string,
): Promise<ClientTrajectory | undefined> {
  const sessions = await listSessions(study.db, client);
  if (sessions.length === 0) return undefined;
  const rows = (await queryScores(study.db, { scale, clients: [client] })).filter((r) => r.score !== null);

  const bySeries = new Map<string, { head: ScoreRow; bySession: Map<number, ScoreRow[]> }>();
  for (const r of rows) {
    const key = [r.source, r.rater, r.instrument, r.form].join('\u0000');
    let entry = bySeries.get(key);
    if (!entry) bySeries.set(key, (entry = { head: r, bySession: new Map() }));
    const list = entry.bySession.get(r.session);
    if (list) list.push(r);
    else entry.bySession.set(r.session, [r]);
  }
  const series = [...bySeries.values()].map(
    ({ head, bySession }): TrajectorySeries => ({
      label: seriesLabel(head),
      source: head.source,
      rater: head.rater,
      instrument: head.instrument,
      form: head.form,
      points: [...bySession.entries()]
        .sort(([a], [b]) => a - b)
        .map(([session, reps]) => ({ session, ...meanOfReplicates(reps) })),
    }),
  );
  series.sort(
    (a, b) =>
      SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source] ||
      cmp(a.rater, b.rater) ||
      cmp(a.instrument, b.instrument) ||
      cmp(a.form, b.form),
  );

  return {
    client,
    scale,
    sessions: sessions.map((s) => ({
      session_id: s.session_id,
      session: s.session,
      date: s.date,
      therapist: s.therapist,
    })),
    series,
    ruptures: await criterionRuptures(study, client),
  };
}

/** Replicates are averaged, as the wide export averages them: a trajectory compares methods, not runs. */
function meanOfReplicates(reps: ScoreRow[]): Omit<TrajectoryPoint, 'session'> {
  const score = reps.reduce((s, r) => s + r.score!, 0) / reps.length;
  const pomps = reps.flatMap((r) => (r.pomp === null ? [] : [r.pomp]));
  return {
    score,
    pomp: pomps.length ? pomps.reduce((s, x) => s + x, 0) / pomps.length : null,
    replicates: reps.length,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
