import type { Kysely } from 'kysely';
import { ItemValues } from '../schemas/response';
import type { ScaleScore } from '../schemas/score';
import { stableStringify } from '../util/hash';
import { nowIso } from '../util/time';
import { appendAudit } from './audit';
import type { Database } from './database';
import { replaceScores, SELF_REPORTERS, scoresEqual } from './scores';

/** One questionnaire ready for the store: its session exists, its values are validated. */
export interface ResponseRecord {
  sessionId: string;
  instrument: string;
  form: string;
  respondent: string;
  items: ItemValues;
  submittedAt?: string;
  /** Where it came from (the file name), kept for provenance; not part of what counts as a change. */
  source?: string;
}

export type UpsertStatus = 'inserted' | 'updated' | 'unchanged';

export interface UpsertOutcome {
  id: string;
  status: UpsertStatus;
  /** Whether score rows were written (always on insert and update; on an unchanged response only if they differed). */
  scored: boolean;
  /** On an update: the items whose values changed (empty when only the submission time did). */
  changedItems?: string[];
}

/** One row per (session, instrument, form, respondent), as the table's unique constraint says. */
export function responseId(r: Pick<ResponseRecord, 'sessionId' | 'instrument' | 'form' | 'respondent'>): string {
  return `${r.sessionId}/${r.instrument}/${r.form}/${r.respondent}`;
}

/**
 * Stores a response and its scores inside the caller's transaction. A response already stored with the same
 * items and submission time is left alone, so re-importing a file changes nothing; a changed one is updated
 * and the audit table gets the values before and after. Scores are rewritten with the response, and also when
 * the engine now scores unchanged items differently (a corrected definition), since stale scores are worse
 * than a rewrite.
 */
export async function upsertResponse(
  db: Kysely<Database>,
  actor: string,
  r: ResponseRecord,
  scores: readonly ScaleScore[],
): Promise<UpsertOutcome> {
  const existing = await db
    .selectFrom('responses')
    .select(['id', 'items', 'submitted_at'])
    .where('session_id', '=', r.sessionId)
    .where('instrument', '=', r.instrument)
    .where('form', '=', r.form)
    .where('respondent', '=', r.respondent)
    .executeTakeFirst();
  const at = nowIso();
  const items = stableStringify(r.items);

  if (!existing) {
    const id = responseId(r);
    await db
      .insertInto('responses')
      .values({
        id,
        session_id: r.sessionId,
        instrument: r.instrument,
        form: r.form,
        respondent: r.respondent,
        items,
        submitted_at: r.submittedAt ?? null,
        source: r.source ?? null,
        created_at: at,
        updated_at: at,
      })
      .execute();
    await appendAudit(db, {
      actor,
      entity: 'response',
      entityId: id,
      action: 'insert',
      before: null,
      after: {
        sessionId: r.sessionId,
        instrument: r.instrument,
        form: r.form,
        respondent: r.respondent,
        items: r.items,
        submittedAt: r.submittedAt ?? null,
      },
      at,
    });
    await writeScores(db, id, r, scores);
    return { id, status: 'inserted', scored: true };
  }

  // A file without submission times says nothing about them; it does not erase a time recorded earlier.
  const submittedAt = r.submittedAt ?? existing.submitted_at;
  const beforeItems = ItemValues.parse(JSON.parse(existing.items));
  if (stableStringify(beforeItems) === items && submittedAt === existing.submitted_at) {
    const scored = !(await scoresMatch(db, existing.id, r, scores));
    if (scored) await writeScores(db, existing.id, r, scores);
    return { id: existing.id, status: 'unchanged', scored };
  }

  await db
    .updateTable('responses')
    .set({ items, submitted_at: submittedAt, source: r.source ?? null, updated_at: at })
    .where('id', '=', existing.id)
    .execute();
  await appendAudit(db, {
    actor,
    entity: 'response',
    entityId: existing.id,
    action: 'update',
    before: { items: beforeItems, submittedAt: existing.submitted_at },
    after: { items: r.items, submittedAt },
    at,
  });
  await writeScores(db, existing.id, r, scores);
  const changedItems = Object.keys({ ...beforeItems, ...r.items }).filter((k) => beforeItems[k] !== r.items[k]);
  return { id: existing.id, status: 'updated', scored: true, changedItems };
}

function writeScores(db: Kysely<Database>, id: string, r: ResponseRecord, scores: readonly ScaleScore[]) {
  return replaceScores(db, { kind: 'response', id }, withForm(r, scores));
}

function scoresMatch(db: Kysely<Database>, id: string, r: ResponseRecord, scores: readonly ScaleScore[]) {
  return scoresEqual(db, { kind: 'response', id }, withForm(r, scores));
}

function withForm(r: ResponseRecord, scores: readonly ScaleScore[]) {
  return scores.map((s) => ({ ...s, instrument: r.instrument, form: r.form }));
}

/** The instrument forms the stored responses use, each once, sorted. */
export async function storedResponseForms(db: Kysely<Database>): Promise<Array<{ instrument: string; form: string }>> {
  return db
    .selectFrom('responses')
    .select(['instrument', 'form'])
    .distinct()
    .orderBy('instrument')
    .orderBy('form')
    .execute();
}

/** One stored response's item values, with the session it belongs to. */
export interface StoredItemResponse {
  client: string;
  session: number;
  respondent: string;
  items: ItemValues;
}

/**
 * The item values of every stored response to one instrument form, by client, session and respondent:
 * self-reports (client or therapist) or human coders' forms.
 */
export async function itemResponses(
  db: Kysely<Database>,
  q: { instrument: string; form: string; source: 'self-report' | 'coder' },
): Promise<StoredItemResponse[]> {
  let query = db
    .selectFrom('responses as r')
    .innerJoin('sessions as s', 's.id', 'r.session_id')
    .select(['s.client_id', 's.session_index', 'r.respondent', 'r.items'])
    .where('r.instrument', '=', q.instrument)
    .where('r.form', '=', q.form);
  query =
    q.source === 'self-report'
      ? query.where('r.respondent', 'in', SELF_REPORTERS)
      : query.where('r.respondent', 'not in', SELF_REPORTERS);
  const rows = await query.orderBy('s.client_id').orderBy('s.session_index').orderBy('r.respondent').execute();
  return rows.map((r) => ({
    client: r.client_id,
    session: r.session_index,
    respondent: r.respondent,
    items: ItemValues.parse(JSON.parse(r.items)),
  }));
}
