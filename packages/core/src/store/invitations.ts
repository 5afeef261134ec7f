import type BetterSqlite3 from 'better-sqlite3';
import { writeTransaction } from './write-lock';
import type { Kysely } from 'kysely';
import type { StudyConfig } from '../study/study-config';
import { sha256 } from '../util/hash';
import { nowIso } from '../util/time';
import type { Database } from './database';
import { linkToken, normaliseCode, shortCode } from './link-key';
import type { ScaleScore } from '../schemas/score';
import { upsertResponse } from './responses';
import { type CellState, cellState, cellTimes, isScheduled } from './schedule';
import { submitOnSqlite } from './submit-fast';

/** One client × session × instrument form of the study's schedule, with its state now. */
export interface CollectionCell {
  client: string;
  therapist: string;
  session: number;
  sessionId: string;
  date: string | null;
  instrument: string;
  form: string;
  state: CellState;
  expiresAt: string;
  invitation?: { id: string; openedAt: string | null; startedAt: string | null; completedAt: string | null };
}

export function invitationId(sessionId: string, instrument: string, form: string): string {
  return `${sessionId}/${instrument}/${form}`;
}

/** Every session × every form the study collects, in client and session order, with its state. */
export async function collectionCells(
  db: Kysely<Database>,
  config: StudyConfig,
  now = nowIso(),
): Promise<CollectionCell[]> {
  const sessions = await db
    .selectFrom('sessions')
    .select(['id', 'client_id', 'therapist_id', 'session_index', 'date', 'created_at'])
    .orderBy('client_id')
    .orderBy('session_index')
    .execute();
  const answered = new Set(
    (await db.selectFrom('responses').select(['session_id', 'instrument', 'form']).distinct().execute()).map(
      (r) => `${r.session_id}\u0000${r.instrument}\u0000${r.form}`,
    ),
  );
  const invitations = new Map(
    (
      await db
        .selectFrom('invitations')
        .select(['id', 'expires_at', 'opened_at', 'started_at', 'completed_at'])
        .execute()
    ).map((r) => [r.id, r]),
  );
  const cells: CollectionCell[] = [];
  for (const s of sessions) {
    const date = s.date ?? s.created_at.slice(0, 10);
    const times = cellTimes(date, config.collection);
    for (const f of config.instruments) {
      const id = invitationId(s.id, f.instrument, f.form);
      const inv = invitations.get(id);
      const done = answered.has(`${s.id}\u0000${f.instrument}\u0000${f.form}`) || !!inv?.completed_at;
      cells.push({
        client: s.client_id,
        therapist: s.therapist_id,
        session: s.session_index,
        sessionId: s.id,
        date: s.date,
        instrument: f.instrument,
        form: f.form,
        state: cellState({
          scheduled: isScheduled(f.schedule, s.session_index),
          done,
          times,
          ...(inv ? { expiresAt: inv.expires_at } : {}),
          now,
        }),
        expiresAt: inv?.expires_at ?? times.expiresAt,
        ...(inv
          ? {
              invitation: {
                id: inv.id,
                openedAt: inv.opened_at,
                startedAt: inv.started_at,
                completedAt: inv.completed_at,
              },
            }
          : {}),
      });
    }
  }
  return cells;
}

export interface CollectionCounts {
  scheduled: number;
  done: number;
  due: number;
  overdue: number;
  /** Scheduled, never completed, and past expiry: lost unless entered by hand. */
  missing: number;
}

export function countCells(cells: readonly CollectionCell[]): CollectionCounts {
  const n = (s: CellState) => cells.filter((c) => c.state === s).length;
  return {
    scheduled: cells.filter((c) => c.state !== 'not scheduled').length,
    done: n('done'),
    due: n('due'),
    overdue: n('overdue'),
    missing: n('expired'),
  };
}

export interface IssuedLink {
  client: string;
  session: number;
  instrument: string;
  form: string;
  /** The raw token and code: for the link and the code only, never stored. */
  token: string;
  code: string;
  expiresAt: string;
}

/**
 * Links for the given cells, creating their invitations on first use. Token and code are derived from the link
 * key, so a cell's link is the same every time it is printed; only their hashes are stored.
 */
export async function issueLinks(
  db: Kysely<Database>,
  key: Buffer,
  cells: readonly CollectionCell[],
  definitionVersion: (instrument: string) => string,
  now = nowIso(),
): Promise<IssuedLink[]> {
  const links: IssuedLink[] = [];
  await writeTransaction(db, async (trx) => {
    for (const c of cells) {
      const id = invitationId(c.sessionId, c.instrument, c.form);
      const token = linkToken(key, id);
      const code = shortCode(key, id);
      if (!c.invitation)
        await trx
          .insertInto('invitations')
          .values({
            id,
            session_id: c.sessionId,
            instrument: c.instrument,
            form: c.form,
            definition_version: definitionVersion(c.instrument),
            token_hash: sha256(token),
            code_hash: sha256(code),
            expires_at: c.expiresAt,
            draft: null,
            opened_at: null,
            started_at: null,
            completed_at: null,
            response_id: null,
            created_at: now,
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      links.push({
        client: c.client,
        session: c.session,
        instrument: c.instrument,
        form: c.form,
        token,
        code,
        expiresAt: c.expiresAt,
      });
    }
    await logEvents(
      trx,
      cells.filter((c) => !c.invitation).map((c) => invitationId(c.sessionId, c.instrument, c.form)),
      'created',
      now,
    );
  });
  return links;
}

export interface Invitation {
  id: string;
  client: string;
  session: number;
  sessionId: string;
  instrument: string;
  form: string;
  definitionVersion: string;
  expiresAt: string;
  completedAt: string | null;
  draft: Record<string, string> | null;
}

async function invitationWhere(
  db: Kysely<Database>,
  column: 'token_hash' | 'code_hash',
  hash: string,
): Promise<Invitation | undefined> {
  const r = await db
    .selectFrom('invitations')
    .innerJoin('sessions', 'sessions.id', 'invitations.session_id')
    .select([
      'invitations.id',
      'sessions.client_id',
      'sessions.session_index',
      'invitations.session_id',
      'invitations.instrument',
      'invitations.form',
      'invitations.definition_version',
      'invitations.expires_at',
      'invitations.completed_at',
      'invitations.draft',
    ])
    .where(`invitations.${column}`, '=', hash)
    .executeTakeFirst();
  return r && toInvitation(r);
}

type InvitationRow = Pick<
  Database['invitations'],
  'id' | 'session_id' | 'instrument' | 'form' | 'definition_version' | 'expires_at' | 'completed_at' | 'draft'
> &
  Pick<Database['sessions'], 'client_id' | 'session_index'>;

function toInvitation(r: InvitationRow): Invitation {
  return {
    id: r.id,
    client: r.client_id,
    session: r.session_index,
    sessionId: r.session_id,
    instrument: r.instrument,
    form: r.form,
    definitionVersion: r.definition_version,
    expiresAt: r.expires_at,
    completedAt: r.completed_at,
    draft: r.draft === null ? null : (JSON.parse(r.draft) as Record<string, string>),
  };
}

const byTokenStatements = new WeakMap<BetterSqlite3.Database, BetterSqlite3.Statement>();

/**
 * The invitation a link's token names. With the raw SQLite handle (the form routes pass it), one prepared
 * statement instead of a kysely query: every submission begins with this read.
 */
export async function invitationByToken(
  db: Kysely<Database>,
  token: string,
  sqlite?: BetterSqlite3.Database | null,
): Promise<Invitation | undefined> {
  if (!sqlite) return invitationWhere(db, 'token_hash', sha256(token));
  let st = byTokenStatements.get(sqlite);
  if (!st)
    byTokenStatements.set(
      sqlite,
      (st = sqlite.prepare(
        `SELECT i.id, s.client_id, s.session_index, i.session_id, i.instrument, i.form, i.definition_version,
          i.expires_at, i.completed_at, i.draft
         FROM invitations i JOIN sessions s ON s.id = i.session_id WHERE i.token_hash = ?`,
      )),
    );
  const r = st.get(sha256(token)) as InvitationRow | undefined;
  return r && toInvitation(r);
}

/** The invitation a short code names, for redirecting to its link (derived again from the key). */
export async function invitationByCode(db: Kysely<Database>, code: string): Promise<Invitation | undefined> {
  return invitationWhere(db, 'code_hash', sha256(normaliseCode(code)));
}

/** A GET of a link writes this and nothing else: the first time it was opened. */
export async function markOpened(db: Kysely<Database>, id: string, now = nowIso()): Promise<void> {
  const r = await db
    .updateTable('invitations')
    .set({ opened_at: now })
    .where('id', '=', id)
    .where('opened_at', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 1) await logEvents(db, [id], 'opened', now);
}

/** Keeps what a client has entered so far; refused (false) once the form is submitted or expired. */
export async function saveDraft(
  db: Kysely<Database>,
  id: string,
  draft: Record<string, string>,
  now = nowIso(),
): Promise<boolean> {
  return writeTransaction(db, async (trx) => {
    const r = await trx
      .updateTable('invitations')
      .set({ draft: JSON.stringify(draft) })
      .where('id', '=', id)
      .where('completed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    const started = await trx
      .updateTable('invitations')
      .set({ started_at: now })
      .where('id', '=', id)
      .where('started_at', 'is', null)
      .executeTakeFirst();
    if (Number(started.numUpdatedRows) === 1) await logEvents(trx, [id], 'started', now);
    return true;
  });
}

export type SubmitOutcome = { status: 'stored'; responseId: string } | { status: 'gone' };

/**
 * Stores a submitted form: the invitation is claimed, the response, its scores, the audit entry and the log
 * entry are written, all in one transaction. The claim is a conditional update, so of two submissions racing
 * (two tabs, a double click) exactly one stores and the other is told the form is gone.
 */
export async function submitInvitation(
  db: Kysely<Database>,
  inv: Pick<Invitation, 'id' | 'sessionId' | 'instrument' | 'form' | 'client'>,
  respondent: string,
  items: Record<string, number | null>,
  scores: readonly ScaleScore[],
  now = nowIso(),
  /** The study's raw SQLite handle, for the fast path (submit-fast.ts); null or absent on PostgreSQL. */
  sqlite?: BetterSqlite3.Database | null,
): Promise<SubmitOutcome> {
  const fast = sqlite ? await submitOnSqlite(sqlite, inv, respondent, items, scores, now) : undefined;
  if (fast) return fast;
  return writeTransaction(db, async (trx) => {
    const claimed = await trx
      .updateTable('invitations')
      .set({ completed_at: now, draft: null })
      .where('id', '=', inv.id)
      .where('completed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return { status: 'gone' } as const;
    const outcome = await upsertResponse(
      trx,
      `link:${inv.client}`,
      {
        sessionId: inv.sessionId,
        instrument: inv.instrument,
        form: inv.form,
        respondent,
        items,
        submittedAt: now,
        source: 'link',
      },
      scores,
    );
    await trx.updateTable('invitations').set({ response_id: outcome.id }).where('id', '=', inv.id).execute();
    await logEvents(trx, [inv.id], 'completed', now);
    return { status: 'stored', responseId: outcome.id } as const;
  });
}

export interface InvitationLogEntry {
  invitation: string;
  at: string;
  event: string;
}

export async function invitationLog(db: Kysely<Database>, limit = 500): Promise<InvitationLogEntry[]> {
  const rows = await db
    .selectFrom('invitation_log')
    .select(['invitation_id', 'at', 'event'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ invitation: r.invitation_id, at: r.at, event: r.event }));
}

/** Where an invitation stands: the last of created, opened, started, completed, or expired unanswered. */
export type InvitationStage = 'created' | 'opened' | 'started' | 'completed' | 'expired';

export interface InvitationStatus {
  id: string;
  client: string;
  session: number;
  instrument: string;
  form: string;
  createdAt: string;
  openedAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  expiresAt: string;
  stage: InvitationStage;
}

/** Every invitation with the time of each stage it reached, in client and session order. */
export async function invitationStatuses(db: Kysely<Database>, now = nowIso()): Promise<InvitationStatus[]> {
  const rows = await db
    .selectFrom('invitations')
    .innerJoin('sessions', 'sessions.id', 'invitations.session_id')
    .select([
      'invitations.id',
      'sessions.client_id',
      'sessions.session_index',
      'invitations.instrument',
      'invitations.form',
      'invitations.created_at',
      'invitations.opened_at',
      'invitations.started_at',
      'invitations.completed_at',
      'invitations.expires_at',
    ])
    .orderBy('sessions.client_id')
    .orderBy('sessions.session_index')
    .orderBy('invitations.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    client: r.client_id,
    session: r.session_index,
    instrument: r.instrument,
    form: r.form,
    createdAt: r.created_at,
    openedAt: r.opened_at,
    startedAt: r.started_at,
    completedAt: r.completed_at,
    expiresAt: r.expires_at,
    stage: r.completed_at
      ? 'completed'
      : now >= r.expires_at
        ? 'expired'
        : r.started_at
          ? 'started'
          : r.opened_at
            ? 'opened'
            : 'created',
  }));
}

/** Rows per INSERT: three parameters each, well inside SQLite's 32,766 and PostgreSQL's 65,535 per statement. */
const LOG_ROWS_PER_INSERT = 1000;

async function logEvents(db: Kysely<Database>, ids: readonly string[], event: string, at: string): Promise<void> {
  for (let i = 0; i < ids.length; i += LOG_ROWS_PER_INSERT)
    await db
      .insertInto('invitation_log')
      .values(ids.slice(i, i + LOG_ROWS_PER_INSERT).map((invitation_id) => ({ invitation_id, at, event })))
      .execute();
}
