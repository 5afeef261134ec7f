import { InputError, currentTranscripts, sha256, transcriptUtterances, type Study } from '@alliance-lab/core';
import type { RatableTranscript, RatableUtterance } from '../rater';

/** A current transcript version selected for a run, before its utterances are loaded. */
export interface TranscriptRef {
  sessionId: string;
  transcriptId: string;
  utteranceCount: number;
}

/**
 * The current transcript of each selected session, in session order. `sessions` takes session ids ("C01/3") or
 * client ids ("C01", meaning all of that client's sessions); a name that matches nothing is an error, so a typo
 * does not silently rate less than asked.
 */
export async function selectTranscripts(study: Study, sessions: readonly string[] = []): Promise<TranscriptRef[]> {
  const rows = await currentTranscripts(study.db);
  if (sessions.length === 0)
    return rows.map(({ sessionId, transcriptId, utteranceCount }) => ({ sessionId, transcriptId, utteranceCount }));
  const wanted = new Set(sessions);
  const matched = new Set<string>();
  const out: TranscriptRef[] = [];
  for (const r of rows) {
    const hit = wanted.has(r.sessionId) ? r.sessionId : wanted.has(r.client) ? r.client : undefined;
    if (hit === undefined) continue;
    matched.add(hit);
    out.push({ sessionId: r.sessionId, transcriptId: r.transcriptId, utteranceCount: r.utteranceCount });
  }
  const missing = sessions.filter((s) => !matched.has(s));
  if (missing.length) {
    throw new InputError(
      `no transcript in the study for ${missing.map((s) => `"${s}"`).join(', ')} (give session ids like C01/3 or client ids)`,
    );
  }
  return out;
}

/** The utterances of one transcript version as raters see them: id, role, text. */
export async function loadTranscript(study: Study, ref: TranscriptRef): Promise<RatableTranscript> {
  return ratable(ref, await transcriptUtterances(study.db, ref.transcriptId));
}

export function ratable(
  ref: Pick<TranscriptRef, 'sessionId' | 'transcriptId'>,
  utterances: RatableUtterance[],
): RatableTranscript {
  return { sessionId: ref.sessionId, transcriptId: ref.transcriptId, contentHash: ratableHash(utterances), utterances };
}

/** Hash of exactly what a rater is shown (id, role, text), so de-identified text hashes differently from the original. */
export function ratableHash(utterances: readonly RatableUtterance[]): string {
  return sha256(JSON.stringify(utterances.map((u) => [u.id, u.role, u.text])));
}
