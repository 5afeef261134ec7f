import type BetterSqlite3 from 'better-sqlite3';
import { stableStringify } from '../util/hash';
import { nowIso } from '../util/time';
import type { ScaleScore } from '../schemas/score';
import { responseId } from './responses';
import { type ScoreInsert, sqliteScoreInserter } from './score-scales';
import { scoreRows } from './scores';
import { writeSqlite } from './write-lock';

/**
 * The submission of a link's form on the raw SQLite handle: the same rows as the kysely path in invitations.ts
 * (claim, response, audit, scores, log). It exists because the load benchmark showed kysely's per-statement
 * overhead, and then one BEGIN IMMEDIATE … COMMIT per submission, dominating a submission.
 *
 * So submissions arriving in the same turn of the event loop are committed together (group commit): one
 * IMMEDIATE transaction (writeSqlite). Should a submission throw in it, the transaction is rolled back and the
 * group runs again with each submission in its own savepoint, so one that fails rolls back alone and the others
 * still commit. Savepoints are left to that second round because SQLite copies each page a savepoint changes into
 * a statement journal, a temporary file once it passes 64 KiB: with one savepoint per submission the load
 * benchmark's server made some 20 write calls per submission to it, more than to the WAL.
 *
 * No caller hears "stored" before the commit that holds its rows: the stored count equals the acknowledged
 * count. It is only used when no other transaction is open on the handle, and it hands back to the kysely path
 * (undefined) when a response for the cell already exists (an import got there first), which upsertResponse
 * knows how to update and audit.
 */
interface Statements {
  claim: BetterSqlite3.Statement;
  existing: BetterSqlite3.Statement;
  response: BetterSqlite3.Statement;
  audit: BetterSqlite3.Statement;
  score: (r: ScoreInsert) => void;
  log: BetterSqlite3.Statement;
  savepoint: BetterSqlite3.Statement;
  release: BetterSqlite3.Statement;
  rollbackTo: BetterSqlite3.Statement;
}

const prepared = new WeakMap<BetterSqlite3.Database, Statements>();

function statements(db: BetterSqlite3.Database): Statements {
  let s = prepared.get(db);
  if (!s) {
    s = {
      // The claim names the response it will hold: its id is known up front, so one update does both.
      claim: db.prepare(
        'UPDATE invitations SET completed_at = ?, draft = NULL, response_id = ? WHERE id = ? AND completed_at IS NULL AND expires_at > ?',
      ),
      existing: db.prepare('SELECT 1 FROM responses WHERE id = ?'),
      response: db.prepare(
        'INSERT INTO responses (id, session_id, instrument, form, respondent, items, submitted_at, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      audit: db.prepare(
        'INSERT INTO audit (at, actor, entity, entity_id, action, before, after) VALUES (?, ?, ?, ?, ?, NULL, ?)',
      ),
      score: sqliteScoreInserter(db),
      log: db.prepare('INSERT INTO invitation_log (invitation_id, at, event) VALUES (?, ?, ?)'),
      savepoint: db.prepare('SAVEPOINT submission'),
      release: db.prepare('RELEASE submission'),
      rollbackTo: db.prepare('ROLLBACK TO submission'),
    };
    prepared.set(db, s);
  }
  return s;
}

export type FastOutcome = { status: 'stored'; responseId: string } | { status: 'gone' } | undefined;

interface Submission {
  inv: { id: string; sessionId: string; instrument: string; form: string; client: string };
  respondent: string;
  items: Record<string, number | null>;
  scores: readonly ScaleScore[];
  now: string;
  resolve: (o: FastOutcome) => void;
  reject: (err: unknown) => void;
}

/** Submissions waiting for the next group commit, per handle. */
const waiting = new WeakMap<BetterSqlite3.Database, Submission[]>();

/**
 * The least time from the end of one group commit to the start of the next. A commit's own cost is its WAL
 * frames, written one by one: some 13 pages for one submission, 0.18 ms, not much more for several. With
 * submissions a few tenths of a millisecond apart (the load benchmark's open loop at 1,600 a second) a commit at
 * the end of each turn held one or two, and the SQL of a submission cost 0.40 ms of CPU alone in its commit
 * against 0.25 ms four to a commit; waiting out the rest of this gap lets a group form. A submission after a
 * quiet moment, the previous commit longer ago than this, waits for nothing but the end of its turn.
 */
const COMMIT_GAP_MS = 2;
const lastCommit = new WeakMap<BetterSqlite3.Database, number>();

export function submitOnSqlite(
  db: BetterSqlite3.Database,
  inv: Submission['inv'],
  respondent: string,
  items: Record<string, number | null>,
  scores: readonly ScaleScore[],
  now: string,
): Promise<FastOutcome> {
  if (db.inTransaction) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    let queue = waiting.get(db);
    if (!queue) {
      waiting.set(db, (queue = []));
      // After the I/O callbacks of this turn, or of the turn that closes the gap: every request parsed meanwhile
      // joins the same commit.
      const wait = (lastCommit.get(db) ?? Number.NEGATIVE_INFINITY) + COMMIT_GAP_MS - performance.now();
      if (wait > 0) setTimeout(() => void commitGroup(db), wait);
      else setImmediate(() => void commitGroup(db));
    }
    queue.push({ inv, respondent, items, scores, now, resolve, reject });
  });
}

async function commitGroup(db: BetterSqlite3.Database): Promise<void> {
  const group = waiting.get(db)!;
  waiting.delete(db);
  const s = statements(db);
  let outcomes: (FastOutcome | { error: unknown })[] = [];
  // A submission that throws inside the body (not the BEGIN or the COMMIT) sends the group round again, each
  // submission in a savepoint of its own.
  let thrown = false;
  const attempt = (savepoints: boolean) =>
    writeSqlite(db, () => {
      outcomes = [];
      for (const sub of group) {
        if (!savepoints) {
          try {
            outcomes.push(store(s, sub));
          } catch (err) {
            thrown = true;
            throw err;
          }
          continue;
        }
        s.savepoint.run();
        try {
          outcomes.push(store(s, sub));
          s.release.run();
        } catch (error) {
          s.rollbackTo.run();
          s.release.run();
          outcomes.push({ error });
        }
      }
    });
  try {
    let ran: boolean;
    try {
      ran = await attempt(false);
    } catch (err) {
      if (!thrown) throw err;
      ran = await attempt(true);
    }
    if (!ran) {
      for (const sub of group) sub.resolve(undefined);
      return;
    }
    lastCommit.set(db, performance.now());
  } catch (err) {
    // The commit itself failed (or the lock timed out): none of the group is stored, so none is acknowledged.
    for (const sub of group) sub.reject(err);
    return;
  }
  group.forEach((sub, i) => {
    const o = outcomes[i];
    if (o && 'error' in o) sub.reject(o.error);
    else sub.resolve(o);
  });
}

function store(s: Statements, sub: Submission): FastOutcome {
  const { inv, respondent, items, scores, now } = sub;
  const id = responseId({ sessionId: inv.sessionId, instrument: inv.instrument, form: inv.form, respondent });
  // Checked before the claim, so handing back writes nothing here.
  if (s.existing.get(id)) return undefined;
  if (s.claim.run(now, id, inv.id, now).changes !== 1) return { status: 'gone' };
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
  const rows = scoreRows(
    { kind: 'response', id },
    scores.map((sc) => ({ ...sc, instrument: inv.instrument, form: inv.form })),
  );
  for (const row of rows) s.score(row);
  s.log.run(inv.id, now, 'completed');
  return { status: 'stored', responseId: id };
}
