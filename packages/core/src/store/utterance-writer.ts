import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Utterance } from '../schemas/transcript';
import type { Database } from './database';

const COLUMNS = '(transcript_id, seq, uid, role, speaker, text, start_s, end_s)';
const WIDTH = 8;
// Measured on the 2-core target: multi-row statements insert about a third faster than single rows; 8 to 64 rows
// per statement are all alike.
const SQLITE_BATCH = 16;
// PostgreSQL caps a statement at 65,535 parameters.
const PG_BATCH = 1000;

const prepared = new WeakMap<BetterSqlite3.Database, Map<number, BetterSqlite3.Statement>>();

function statement(db: BetterSqlite3.Database, rows: number): BetterSqlite3.Statement {
  let byRows = prepared.get(db);
  if (!byRows) prepared.set(db, (byRows = new Map()));
  let s = byRows.get(rows);
  if (!s) {
    s = db.prepare(`insert into utterances ${COLUMNS} values ${Array(rows).fill('(?,?,?,?,?,?,?,?)').join(',')}`);
    byRows.set(rows, s);
  }
  return s;
}

/**
 * Writes a transcript's utterances inside the caller's transaction. On SQLite this bypasses kysely: compiling a
 * query per row would cost more than the insert itself at millions of rows, and the raw handle is the same
 * connection, so the rows land in the same transaction. PostgreSQL goes through kysely in multi-row batches.
 */
export async function insertUtterances(
  db: Kysely<Database>,
  sqlite: BetterSqlite3.Database | null,
  transcriptId: string,
  utterances: readonly Utterance[],
): Promise<void> {
  if (sqlite) {
    insertSqlite(sqlite, transcriptId, utterances);
    return;
  }
  for (let from = 0; from < utterances.length; from += PG_BATCH) {
    const rows = utterances.slice(from, from + PG_BATCH).map((u, k) => ({
      transcript_id: transcriptId,
      seq: from + k + 1,
      uid: u.id,
      role: u.role,
      speaker: u.speaker ?? null,
      text: u.text,
      start_s: u.start ?? null,
      end_s: u.end ?? null,
    }));
    await db.insertInto('utterances').values(rows).execute();
  }
}

function insertSqlite(db: BetterSqlite3.Database, transcriptId: string, utterances: readonly Utterance[]): void {
  const full = statement(db, SQLITE_BATCH);
  const args = new Array<unknown>(SQLITE_BATCH * WIDTH);
  let i = 0;
  for (; i + SQLITE_BATCH <= utterances.length; i += SQLITE_BATCH) {
    for (let k = 0; k < SQLITE_BATCH; k++) fill(args, k * WIDTH, transcriptId, i + k, utterances[i + k]!);
    full.run(args);
  }
  const rest = utterances.length - i;
  if (rest > 0) {
    const tail = new Array<unknown>(rest * WIDTH);
    for (let k = 0; k < rest; k++) fill(tail, k * WIDTH, transcriptId, i + k, utterances[i + k]!);
    statement(db, rest).run(tail);
  }
}

function fill(args: unknown[], at: number, transcriptId: string, index: number, u: Utterance): void {
  args[at] = transcriptId;
  args[at + 1] = index + 1;
  args[at + 2] = u.id;
  args[at + 3] = u.role;
  args[at + 4] = u.speaker ?? null;
  args[at + 5] = u.text;
  args[at + 6] = u.start ?? null;
  args[at + 7] = u.end ?? null;
}
