import type { Kysely } from 'kysely';
import type { Database } from './database';

export interface SessionQuestionnaire {
  instrument: string;
  form: string;
  /** "client", "therapist", or the coder's id. */
  respondent: string;
}

export interface SessionRatings {
  rater: string;
  ok: number;
  failed: number;
}

/** One session with what the store holds for it; field names follow the score export's columns. */
export interface SessionSummary {
  session_id: string;
  client: string;
  therapist: string;
  session: number;
  date: string | null;
  /** Utterances of the current transcript version; null when the session has no transcript. */
  utterances: number | null;
  questionnaires: SessionQuestionnaire[];
  /** Ratings of the current transcript version only, as the score export counts them. */
  ratings: SessionRatings[];
}

/**
 * Every session, sorted by client and session number. Three set-wise queries joined here rather than one
 * query per session, so the demo study's 396 sessions cost three round trips.
 */
export async function listSessions(db: Kysely<Database>, client?: string): Promise<SessionSummary[]> {
  let sessions = db
    .selectFrom('sessions as s')
    .leftJoin('transcripts as t', (j) => j.onRef('t.session_id', '=', 's.id').on('t.is_current', '=', 1))
    .select(['s.id', 's.client_id', 's.therapist_id', 's.session_index', 's.date', 't.utterance_count'])
    .orderBy('s.client_id')
    .orderBy('s.session_index');
  let responses = db
    .selectFrom('responses as r')
    .innerJoin('sessions as s', 's.id', 'r.session_id')
    .select(['r.session_id', 'r.instrument', 'r.form', 'r.respondent'])
    .orderBy('r.instrument')
    .orderBy('r.form')
    .orderBy('r.respondent');
  let ratings = db
    .selectFrom('ratings as g')
    .innerJoin('transcripts as t', 't.id', 'g.transcript_id')
    .innerJoin('sessions as s', 's.id', 'g.session_id')
    .where('t.is_current', '=', 1)
    .select((eb) => ['g.session_id', 'g.rater', 'g.status', eb.fn.countAll<number>().as('n')])
    .groupBy(['g.session_id', 'g.rater', 'g.status'])
    .orderBy('g.rater');
  if (client !== undefined) {
    sessions = sessions.where('s.client_id', '=', client);
    responses = responses.where('s.client_id', '=', client);
    ratings = ratings.where('s.client_id', '=', client);
  }

  const questionnaires = new Map<string, SessionQuestionnaire[]>();
  for (const r of await responses.execute()) {
    push(questionnaires, r.session_id, { instrument: r.instrument, form: r.form, respondent: r.respondent });
  }
  const rated = new Map<string, SessionRatings[]>();
  for (const g of await ratings.execute()) {
    const list = rated.get(g.session_id) ?? [];
    let entry = list.find((e) => e.rater === g.rater);
    if (!entry) {
      entry = { rater: g.rater, ok: 0, failed: 0 };
      list.push(entry);
      rated.set(g.session_id, list);
    }
    if (g.status === 'ok') entry.ok += Number(g.n);
    else entry.failed += Number(g.n);
  }
  return (await sessions.execute()).map((s) => ({
    session_id: s.id,
    client: s.client_id,
    therapist: s.therapist_id,
    session: s.session_index,
    date: s.date,
    utterances: s.utterance_count ?? null,
    questionnaires: questionnaires.get(s.id) ?? [],
    ratings: rated.get(s.id) ?? [],
  }));
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
