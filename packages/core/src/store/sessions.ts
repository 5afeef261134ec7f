import type { Kysely } from 'kysely';
import { InputError, type InputLocation } from '../util/errors';
import { nowIso } from '../util/time';
import type { Database } from './database';

export interface SessionKey {
  client: string;
  therapist?: string;
  session: number;
  date?: string;
}

export function sessionId(client: string, index: number): string {
  return `${client}/${index}`;
}

/**
 * Finds or creates the client, therapist and session rows for a session. A session already recorded with a
 * different therapist is an input error (one of the two files is wrong); a missing date is filled in.
 */
export async function ensureSession(db: Kysely<Database>, key: SessionKey, where: InputLocation = {}): Promise<string> {
  const id = sessionId(key.client, key.session);
  const existing = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (existing) {
    if (key.therapist && existing.therapist_id !== key.therapist) {
      throw new InputError(
        `client ${key.client} session ${key.session} is recorded with therapist ${existing.therapist_id}, but this input says ${key.therapist}`,
        where,
      );
    }
    if (key.date && existing.date !== key.date) {
      if (existing.date) {
        throw new InputError(
          `client ${key.client} session ${key.session} is recorded on ${existing.date}, but this input says ${key.date}`,
          where,
        );
      }
      await db.updateTable('sessions').set({ date: key.date }).where('id', '=', id).execute();
    }
    return id;
  }
  if (!key.therapist) {
    throw new InputError(
      `client ${key.client} session ${key.session} is not in the study yet and this input names no therapist`,
      where,
    );
  }
  const at = nowIso();
  await db
    .insertInto('clients')
    .values({ id: key.client, created_at: at })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  await db
    .insertInto('therapists')
    .values({ id: key.therapist, created_at: at })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  await db
    .insertInto('sessions')
    .values({
      id,
      client_id: key.client,
      therapist_id: key.therapist,
      session_index: key.session,
      date: key.date ?? null,
      created_at: at,
    })
    .execute();
  return id;
}

/** The ids of every stored session. */
export async function sessionIds(db: Kysely<Database>): Promise<Set<string>> {
  return new Set((await db.selectFrom('sessions').select('id').execute()).map((s) => s.id));
}
