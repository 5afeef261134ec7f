import type { Kysely } from 'kysely';
import type { Score } from '../schemas/score';
import type { Database } from './database';
import { type RatingWrite, storeRating } from './ratings';
import type { Study } from './study';
import { transcriptRows } from './transcript-rows';
import { transcriptVersionId } from './transcripts';

/**
 * Store rows that tests need as ratings' context, with placeholder values wherever the test does not care: a
 * transcript version's row (id from transcriptVersionId), and a rating of it stored through storeRating.
 */

export async function storeTestTranscript(
  db: Kysely<Database>,
  sessionId: string,
  version = 1,
  current = true,
): Promise<string> {
  const id = transcriptVersionId(sessionId, version);
  await transcriptRows(db, null).insert({
    id,
    session_id: sessionId,
    version,
    content_hash: `h${version}`,
    is_current: current ? 1 : 0,
    format: 'json',
    source: null,
    utterance_count: 1,
    imported_at: '2026-01-01T00:00:00Z',
  });
  return id;
}

export interface TestRating {
  sessionId: string;
  /** The transcript version rated (its row must exist): 1 unless given. */
  version?: number;
  rater?: string;
  replicate?: number;
  /** A failed rating has no output and the failure "no answer". */
  status?: 'ok' | 'failed';
  scores?: Score[];
  /** The item values the rating gave, by form. */
  forms?: RatingWrite['forms'];
}

export async function storeTestRating(s: Pick<Study, 'db' | 'actor' | 'sqlite'>, r: TestRating): Promise<void> {
  const { sessionId, version = 1, rater = 'lexicon', replicate = 1, status = 'ok', scores = [], forms = [] } = r;
  await storeRating(s, {
    identity: {
      rater,
      provider: rater,
      model: 'm',
      promptVersion: 'v1',
      promptHash: 'p',
      params: {},
      sessionId,
      transcriptId: transcriptVersionId(sessionId, version),
      transcriptHash: 't',
      replicate,
      cacheKey: `${rater}/${transcriptVersionId(sessionId, version)}/${replicate}`,
    },
    outcome: {
      status,
      output: status === 'ok' ? {} : null,
      failure: status === 'ok' ? null : ['no answer'],
      usage: { inputTokens: 1, outputTokens: 1, cachedTokens: 0, costUsd: 0, latencyMs: 1 },
      requests: 1,
    },
    forms,
    signals: [],
    ruptures: [],
    scores,
    fromCache: false,
  });
}
