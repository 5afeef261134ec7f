import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { SpeakerRole, UtteranceFields } from '../schemas/transcript';
import type { Database } from './database';

/** A session's current transcript version, without its utterances. */
export interface CurrentTranscript {
  sessionId: string;
  transcriptId: string;
  utteranceCount: number;
  client: string;
  session: number;
}

/** The current transcript version of every session that has one, by client and session number. */
export async function currentTranscripts(db: Kysely<Database>): Promise<CurrentTranscript[]> {
  return db
    .selectFrom('transcripts')
    .innerJoin('sessions', 'sessions.id', 'transcripts.session_id')
    .select([
      'transcripts.id as transcriptId',
      'transcripts.session_id as sessionId',
      'transcripts.utterance_count as utteranceCount',
      'sessions.client_id as client',
      'sessions.session_index as session',
    ])
    .where('transcripts.is_current', '=', 1)
    .orderBy('sessions.client_id')
    .orderBy('sessions.session_index')
    .execute();
}

/** What a rater is shown of an utterance: its id, the speaker's role and the words. */
export const UtteranceText = UtteranceFields.pick({ id: true, role: true, text: true });
export type UtteranceText = z.infer<typeof UtteranceText>;

const ROLES = new Set<string>(SpeakerRole.options);

/** The utterances of one transcript version in spoken order, as raters see them. */
export async function transcriptUtterances(db: Kysely<Database>, transcriptId: string): Promise<UtteranceText[]> {
  const rows = await db
    .selectFrom('utterances')
    .select(['uid as id', 'role', 'text'])
    .where('transcript_id', '=', transcriptId)
    .orderBy('seq')
    .execute();
  // A run reads every utterance of a study, so the role (the one constrained column) is checked without a parse.
  for (const r of rows)
    if (!ROLES.has(r.role)) throw new Error(`transcript ${transcriptId}: utterance ${r.id} has role "${r.role}"`);
  return rows as UtteranceText[];
}
