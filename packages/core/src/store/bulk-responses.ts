import type BetterSqlite3 from 'better-sqlite3';
import type { ScaleScore } from '../schemas/score';
import { stableStringify } from '../util/hash';
import { nowIso } from '../util/time';
import { auditRow } from './audit';
import { type ResponseRecord, responseId } from './responses';
import { sqliteScoreInserter } from './score-scales';
import { scoreRows } from './scores';
import type { SessionKey } from './sessions';
import { sessionId } from './sessions';
import { writeSqlite } from './write-lock';

/** A new session with the responses given in it, each with the scores the engine gave it. */
export interface BulkSession {
  session: Required<Pick<SessionKey, 'client' | 'therapist' | 'session'>> & { date?: string };
  responses: Array<{ response: Omit<ResponseRecord, 'sessionId'>; scores: readonly ScaleScore[] }>;
}

/**
 * Seeds an empty SQLite study with many sessions at once: the rows ensureSession and upsertResponse write for a
 * new session and a new response (clients, therapists, sessions, responses, their scores and insert audit
 * entries), through statements prepared once, in one write transaction. A study of a million scores builds in
 * seconds this way, where a query per row would take minutes (the dataset benchmark's store). A session or
 * response already stored is a constraint error and nothing is written.
 */
export async function insertSessionsBulk(
  sqlite: BetterSqlite3.Database,
  actor: string,
  sessions: Iterable<BulkSession>,
): Promise<{ sessions: number; responses: number; scores: number }> {
  const put = {
    client: sqlite.prepare('insert into clients (id, created_at) values (?, ?) on conflict (id) do nothing'),
    therapist: sqlite.prepare('insert into therapists (id, created_at) values (?, ?) on conflict (id) do nothing'),
    session: sqlite.prepare(
      'insert into sessions (id, client_id, therapist_id, session_index, date, created_at) values (?, ?, ?, ?, ?, ?)',
    ),
    response: sqlite.prepare(
      'insert into responses (id, session_id, instrument, form, respondent, items, submitted_at, source, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    score: sqliteScoreInserter(sqlite),
    audit: sqlite.prepare(
      'insert into audit (at, actor, entity, entity_id, action, before, after) values (?, ?, ?, ?, ?, ?, ?)',
    ),
  };
  const counts = { sessions: 0, responses: 0, scores: 0 };
  const written = await writeSqlite(sqlite, () => {
    const at = nowIso();
    for (const { session: k, responses } of sessions) {
      const sid = sessionId(k.client, k.session);
      put.client.run(k.client, at);
      put.therapist.run(k.therapist, at);
      put.session.run(sid, k.client, k.therapist, k.session, k.date ?? null, at);
      counts.sessions++;
      for (const { response: r, scores } of responses) {
        const record = { ...r, sessionId: sid };
        const id = responseId(record);
        const submittedAt = r.submittedAt ?? null;
        put.response.run(
          id,
          sid,
          r.instrument,
          r.form,
          r.respondent,
          stableStringify(r.items),
          submittedAt,
          r.source ?? null,
          at,
          at,
        );
        const a = auditRow({
          actor,
          entity: 'response',
          entityId: id,
          action: 'insert',
          before: null,
          after: {
            sessionId: sid,
            instrument: r.instrument,
            form: r.form,
            respondent: r.respondent,
            items: r.items,
            submittedAt,
          },
          at,
        });
        put.audit.run(a.at, a.actor, a.entity, a.entity_id, a.action, a.before, a.after);
        const rows = scoreRows(
          { kind: 'response', id },
          scores.map((s) => ({ ...s, instrument: r.instrument, form: r.form })),
        );
        for (const s of rows) put.score(s);
        counts.responses++;
        counts.scores += rows.length;
      }
    }
  });
  // Only a kysely transaction of this process holding the connection stops it; seeding is not done inside one.
  if (!written) throw new Error('insertSessionsBulk: the study connection is inside a transaction');
  return counts;
}
