import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from './database';

type TranscriptRow = Database['transcripts'];
export type VersionRow = Pick<TranscriptRow, 'id' | 'version' | 'content_hash' | 'is_current'>;

/** The transcripts-table operations of an import, over kysely or, on SQLite, prepared statements. */
export interface TranscriptRows {
  versions(sessionId: string): Promise<VersionRow[]>;
  setCurrent(id: string, current: boolean): Promise<void>;
  insert(row: TranscriptRow): Promise<void>;
}

const statements = new WeakMap<
  BetterSqlite3.Database,
  { versions: BetterSqlite3.Statement; setCurrent: BetterSqlite3.Statement; insert: BetterSqlite3.Statement }
>();

/**
 * Kysely compiles and prepares every query anew; at ten thousand sessions in one import that costs more than
 * the queries. On SQLite the same statements are prepared once on the raw handle, which is the transaction's
 * own connection; PostgreSQL keeps the kysely path.
 */
export function transcriptRows(db: Kysely<Database>, sqlite: BetterSqlite3.Database | null): TranscriptRows {
  if (!sqlite) return kyselyRows(db);
  let s = statements.get(sqlite);
  if (!s) {
    s = {
      versions: sqlite.prepare('select id, version, content_hash, is_current from transcripts where session_id = ?'),
      setCurrent: sqlite.prepare('update transcripts set is_current = ? where id = ?'),
      insert: sqlite.prepare(
        'insert into transcripts (id, session_id, version, content_hash, is_current, format, source, utterance_count, imported_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
    };
    statements.set(sqlite, s);
  }
  const st = s;
  return {
    versions: async (sessionId) => st.versions.all(sessionId) as VersionRow[],
    setCurrent: async (id, current) => {
      st.setCurrent.run(current ? 1 : 0, id);
    },
    insert: async (r) => {
      st.insert.run(
        r.id,
        r.session_id,
        r.version,
        r.content_hash,
        r.is_current,
        r.format,
        r.source,
        r.utterance_count,
        r.imported_at,
      );
    },
  };
}

function kyselyRows(db: Kysely<Database>): TranscriptRows {
  return {
    versions: (sessionId) =>
      db
        .selectFrom('transcripts')
        .select(['id', 'version', 'content_hash', 'is_current'])
        .where('session_id', '=', sessionId)
        .execute(),
    setCurrent: async (id, current) => {
      await db
        .updateTable('transcripts')
        .set({ is_current: current ? 1 : 0 })
        .where('id', '=', id)
        .execute();
    },
    insert: async (row) => {
      await db.insertInto('transcripts').values(row).execute();
    },
  };
}
