import type { Kysely } from 'kysely';
import { writeTransaction } from './write-lock';
import { UsageError } from '../util/errors';
import { isCalendarDate, nowIso } from '../util/time';
import { appendAudit } from './audit';
import type { Database } from './database';
import { ensureSession, sessionId } from './sessions';

const ID = /^[A-Za-z0-9._-]{1,32}$/;

/**
 * A session a coordinator records by hand (the client and therapist are created with it), audited. Ids are
 * pseudonyms: short, without spaces, so a name typed by mistake stands out and is refused.
 */
export async function recordSession(
  db: Kysely<Database>,
  actor: string,
  s: { client: string; therapist: string; session: number; date: string },
): Promise<{ id: string; created: boolean }> {
  if (!ID.test(s.client)) throw new UsageError('client: a pseudonymous id of 1–32 letters, digits, dots, dashes');
  if (!ID.test(s.therapist)) throw new UsageError('therapist: a pseudonymous id of 1–32 letters, digits, dots, dashes');
  if (!Number.isInteger(s.session) || s.session < 1 || s.session > 10_000)
    throw new UsageError('session: a whole number from 1');
  if (!isCalendarDate(s.date)) throw new UsageError('date: a calendar date as YYYY-MM-DD');
  return writeTransaction(db, async (trx) => {
    const id = sessionId(s.client, s.session);
    const existed = await trx.selectFrom('sessions').select('id').where('id', '=', id).executeTakeFirst();
    try {
      await ensureSession(trx, s);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (!existed)
      await appendAudit(trx, {
        actor,
        entity: 'session',
        entityId: id,
        action: 'insert',
        before: null,
        after: s,
        at: nowIso(),
      });
    return { id, created: !existed };
  });
}
