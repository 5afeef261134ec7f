import type { Kysely } from 'kysely';
import type { Database } from './database';

export interface StudyCounts {
  clients: number;
  therapists: number;
  sessions: number;
  /** Current transcript versions only. */
  transcripts: number;
  /** Utterances of current transcript versions. */
  utterances: number;
  responses: number;
  ratings: number;
}

export async function studyCounts(db: Kysely<Database>): Promise<StudyCounts> {
  const count = async (table: 'clients' | 'therapists' | 'sessions' | 'responses' | 'ratings') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const current = await db
    .selectFrom('transcripts')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('utterance_count').as('u')])
    .where('is_current', '=', 1)
    .executeTakeFirstOrThrow();
  return {
    clients: await count('clients'),
    therapists: await count('therapists'),
    sessions: await count('sessions'),
    transcripts: Number(current.n),
    utterances: Number(current.u ?? 0),
    responses: await count('responses'),
    ratings: await count('ratings'),
  };
}
