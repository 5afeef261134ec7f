import type BetterSqlite3 from 'better-sqlite3';
import { stableStringify } from '../util/hash';
import { nowIso } from '../util/time';
import type { ScaleScore } from '../schemas/score';
import { responseId } from './responses';
import { writeSqlite } from './write-lock';

/**
 * The submission of a link's form on the raw SQLite handle: the same rows as the kysely path in
 * invitations.ts (claim, response, audit, scores, log) in one synchronous IMMEDIATE transaction (writeSqlite). It exists because
 * the load benchmark showed kysely's per-statement overhead dominating a submission; it is only used when no
 * other transaction is open on the handle, and it hands back to the kysely path (undefined) when a response for
 * the cell already exists (an import got there first), which upsertResponse knows how to update and audit.
 */
interface Statements {
  claim: BetterSqlite3.Statement;
  existing: BetterSqlite3.Statement;
  response: BetterSqlite3.Statement;
  audit: BetterSqlite3.Statement;
  score: BetterSqlite3.Statement;
  link: BetterSqlite3.Statement;
  log: BetterSqlite3.Statement;
}

const prepared = new WeakMap<BetterSqlite3.Database, Statements>();

function statements(db: BetterSqlite3.Database): Statements {
  let s = prepared.get(db);
  if (!s) {
    s = {
      claim: db.prepare(
        'UPDATE invitations SET completed_at = ?, draft = NULL WHERE id = ? AND completed_at IS NULL AND expires_at > ?',
      ),
      existing: db.prepare('SELECT 1 FROM responses WHERE id = ?'),
      response: db.prepare(
        'INSERT INTO responses (id, session_id, instrument, form, respondent, items, submitted_at, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      audit: db.prepare(
        'INSERT INTO audit (at, actor, entity, entity_id, action, before, after) VALUES (?, ?, ?, ?, ?, NULL, ?)',
      ),
      score: db.prepare(
        'INSERT INTO scores (source, source_id, instrument, form, scale, score, pomp, prorated, missing) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      link: db.prepare('UPDATE invitations SET response_id = ? WHERE id = ?'),
      log: db.prepare('INSERT INTO invitation_log (invitation_id, at, event) VALUES (?, ?, ?)'),
    };
    prepared.set(db, s);
  }
  return s;
}

class HandBack extends Error {}

export type FastOutcome = { status: 'stored'; responseId: string } | { status: 'gone' } | undefined;

export async function submitOnSqlite(
  db: BetterSqlite3.Database,
  inv: { id: string; sessionId: string; instrument: string; form: string; client: string },
  respondent: string,
  items: Record<string, number | null>,
  scores: readonly ScaleScore[],
  now: string,
): Promise<FastOutcome> {
  if (db.inTransaction) return undefined;
  const s = statements(db);
  const id = responseId({ sessionId: inv.sessionId, instrument: inv.instrument, form: inv.form, respondent });
  let outcome: FastOutcome;
  try {
    const ran = await writeSqlite(db, () => {
      if (s.claim.run(now, inv.id, now).changes !== 1) {
        outcome = { status: 'gone' };
        return;
      }
      if (s.existing.get(id)) throw new HandBack();
      // Row times are the clock's, as upsertResponse writes them; `now` is the submission's time.
      const at = nowIso();
      s.response.run(
        id,
        inv.sessionId,
        inv.instrument,
        inv.form,
        respondent,
        stableStringify(items),
        now,
        'link',
        now,
        now,
      );
      const after = {
        sessionId: inv.sessionId,
        instrument: inv.instrument,
        form: inv.form,
        respondent,
        items,
        submittedAt: now,
      };
      s.audit.run(at, `link:${inv.client}`, 'response', id, 'insert', JSON.stringify(after));
      for (const sc of scores)
        s.score.run(
          'response',
          id,
          inv.instrument,
          inv.form,
          sc.scale,
          sc.score,
          sc.pomp,
          sc.prorated ? 1 : 0,
          sc.missing ? 1 : 0,
        );
      s.link.run(id, inv.id);
      s.log.run(inv.id, now, 'completed');
      outcome = { status: 'stored', responseId: id };
    });
    return ran ? outcome : undefined;
  } catch (err) {
    if (err instanceof HandBack) return undefined;
    throw err;
  }
}
