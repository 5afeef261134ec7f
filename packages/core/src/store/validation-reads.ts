import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ItemValues } from '../schemas/response';
import type { Database } from './database';

/**
 * Reads that validation needs beyond scores and ratings: how long each current transcript is (the trivial
 * baselines a rater must beat) and the item values of questionnaires (agreement per item).
 */

/** Length of a session's current transcript. Words are whitespace-separated tokens of the utterance text. */
export const TranscriptLength = z.object({
  sessionId: z.string(),
  words: z.number().int().nonnegative(),
  therapistWords: z.number().int().nonnegative(),
  clientWords: z.number().int().nonnegative(),
  utterances: z.number().int().nonnegative(),
});
export type TranscriptLength = z.infer<typeof TranscriptLength>;

export function countWords(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // The whitespace String.prototype.split(/\s+/) splits on, tested by code unit for speed.
    const space =
      c === 32 ||
      (c >= 9 && c <= 13) ||
      c === 0xa0 ||
      c === 0x1680 ||
      (c >= 0x2000 && c <= 0x200a) ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0x202f ||
      c === 0x205f ||
      c === 0x3000 ||
      c === 0xfeff;
    if (space) inWord = false;
    else if (!inWord) {
      inWord = true;
      n++;
    }
  }
  return n;
}

/** One entry per session with a current transcript, in session id order. */
export async function transcriptLengths(db: Kysely<Database>): Promise<TranscriptLength[]> {
  const rows = await db
    .selectFrom('utterances as u')
    .innerJoin('transcripts as t', 't.id', 'u.transcript_id')
    .where('t.is_current', '=', 1)
    .select(['t.session_id as sessionId', 'u.role', 'u.text'])
    .execute();
  const bySession = new Map<string, TranscriptLength>();
  for (const r of rows) {
    let s = bySession.get(r.sessionId);
    if (!s) {
      s = { sessionId: r.sessionId, words: 0, therapistWords: 0, clientWords: 0, utterances: 0 };
      bySession.set(r.sessionId, s);
    }
    const w = countWords(r.text);
    s.words += w;
    s.utterances++;
    if (r.role === 'therapist') s.therapistWords += w;
    else if (r.role === 'client') s.clientWords += w;
  }
  return [...bySession.values()].sort((a, b) => (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0));
}

/** A stored questionnaire's item values, with whose session and who answered. */
export const ResponseItems = z.object({
  sessionId: z.string(),
  client: z.string(),
  session: z.number().int().positive(),
  respondent: z.string(),
  items: ItemValues,
});
export type ResponseItems = z.infer<typeof ResponseItems>;

export async function responseItems(
  db: Kysely<Database>,
  q: { instrument: string; form: string },
): Promise<ResponseItems[]> {
  const rows = await db
    .selectFrom('responses as r')
    .innerJoin('sessions as s', 's.id', 'r.session_id')
    .where('r.instrument', '=', q.instrument)
    .where('r.form', '=', q.form)
    .select([
      'r.session_id as sessionId',
      's.client_id as client',
      's.session_index as session',
      'r.respondent',
      'r.items',
    ])
    .orderBy('r.session_id')
    .orderBy('r.respondent')
    .execute();
  return rows.map((r) => ResponseItems.parse({ ...r, items: JSON.parse(r.items) }));
}
