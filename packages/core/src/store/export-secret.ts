import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { nowIso } from '../util/time';
import type { Database } from './database';

/**
 * The study's secret for de-identified exports, created on first use. Two exports starting at the same moment
 * both try to insert; the primary key keeps the first, the other's insert does nothing, and both then read the
 * one stored row, so they re-key with the same secret.
 */
export async function exportSecret(db: Kysely<Database>, purpose = 'dataset'): Promise<string> {
  await db
    .insertInto('export_secrets')
    .values({ purpose, secret: randomBytes(32).toString('hex'), created_at: nowIso() })
    .onConflict((oc) => oc.column('purpose').doNothing())
    .execute();
  const row = await db
    .selectFrom('export_secrets')
    .select('secret')
    .where('purpose', '=', purpose)
    .executeTakeFirstOrThrow();
  return row.secret;
}
