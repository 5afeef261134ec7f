import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { contentHash } from '../import/transcripts/content-hash';
import type { ParsedSession } from '../import/transcripts/types';
import { nowIso } from '../util/time';
import { appendAudit } from './audit';
import type { Database } from './database';
import { ensureSession } from './sessions';
import { transcriptRows } from './transcript-rows';
import { insertUtterances } from './utterance-writer';

/** A transcript version's id: its session's id and the version number, as ratings and codes cite it. */
export function transcriptVersionId(sessionId: string, version: number): string {
  return `${sessionId}/v${version}`;
}

/** Where a transcript is written: a transaction, the raw SQLite handle of the same connection (null on PostgreSQL), who acts. */
export interface TranscriptSink {
  db: Kysely<Database>;
  sqlite: BetterSqlite3.Database | null;
  actor: string;
}

export interface TranscriptOrigin {
  /** The file, as named in messages. */
  file: string;
  format: string;
}

export type StoreStatus =
  /** The session's first transcript. */
  | 'imported'
  /** Different content for a session that had a transcript: a new version, now current; the old one is kept. */
  | 'new-version'
  /** Content equal to an earlier, non-current version: that version is made current again. */
  | 'restored'
  /** Content equal to the current version: nothing written. */
  | 'unchanged';

export interface StoreOutcome {
  status: StoreStatus;
  transcriptId: string;
  version: number;
  /** Utterance rows written (0 unless a new version was stored). */
  utterances: number;
}

/**
 * Stores one parsed session inside the caller's transaction. Versions are identified by content hash, so
 * re-importing a file is a no-op and a corrected file adds a version without losing the one raters may have
 * cited. Every change leaves audit rows (metadata only: transcript text stays out of the audit table).
 */
export async function storeTranscript(
  sink: TranscriptSink,
  parsed: ParsedSession,
  origin: TranscriptOrigin,
): Promise<StoreOutcome> {
  const { db } = sink;
  const t = parsed.transcript;
  const sessionId = await ensureSession(
    db,
    { client: t.client, therapist: t.therapist, session: t.session, ...(t.date ? { date: t.date } : {}) },
    { file: origin.file, line: parsed.line },
  );
  const hash = parsed.contentHash ?? contentHash(t.utterances);
  const rows = transcriptRows(db, sink.sqlite);
  const versions = await rows.versions(sessionId);
  const current = versions.find((v) => v.is_current === 1);
  const same = versions.find((v) => v.content_hash === hash);

  if (same && same === current)
    return { status: 'unchanged', transcriptId: same.id, version: same.version, utterances: 0 };

  if (current) {
    await rows.setCurrent(current.id, false);
    await appendAudit(db, {
      actor: sink.actor,
      entity: 'transcript',
      entityId: current.id,
      action: 'update',
      before: { isCurrent: true },
      after: { isCurrent: false },
    });
  }

  if (same) {
    await rows.setCurrent(same.id, true);
    await appendAudit(db, {
      actor: sink.actor,
      entity: 'transcript',
      entityId: same.id,
      action: 'update',
      before: { isCurrent: false },
      after: { isCurrent: true, source: origin.file },
    });
    return { status: 'restored', transcriptId: same.id, version: same.version, utterances: 0 };
  }

  const version = versions.reduce((max, v) => Math.max(max, v.version), 0) + 1;
  const id = transcriptVersionId(sessionId, version);
  const row = {
    id,
    session_id: sessionId,
    version,
    content_hash: hash,
    is_current: 1,
    format: origin.format,
    source: origin.file,
    utterance_count: t.utterances.length,
    imported_at: nowIso(),
  };
  await rows.insert(row);
  await insertUtterances(db, sink.sqlite, id, t.utterances);
  await appendAudit(db, {
    actor: sink.actor,
    entity: 'transcript',
    entityId: id,
    action: 'insert',
    before: null,
    after: {
      session: sessionId,
      version,
      contentHash: hash,
      utterances: row.utterance_count,
      format: origin.format,
      source: origin.file,
      at: row.imported_at,
    },
  });
  return {
    status: version === 1 ? 'imported' : 'new-version',
    transcriptId: id,
    version,
    utterances: t.utterances.length,
  };
}
