import {
  currentTranscripts,
  listRatings,
  listSessions,
  type SessionSummary,
  type Study,
  storedAnswer,
  transcriptUtterances,
  type UtteranceText,
} from '@alliance-lab/core';
import { RaterOutput, Rupture, Signal } from '@alliance-lab/raters';
import { z } from 'zod';

/** One rater's reading of the session (its first replicate), with what it rests on. */
export interface RatingEvidence {
  rater: string;
  model: string;
  replicate: number;
  /** Replicates of this rater on the session's current transcript. */
  replicates: number;
  signals: Signal[];
  ruptures: Rupture[];
  /** Item values with their rationale and cited utterances, when the answer is stored. */
  items: Array<{
    instrument: string;
    item: string;
    value: number | null;
    rationale: string | null;
    evidence: string[];
  }>;
}

export interface SessionEvidence {
  session: SessionSummary;
  /** The current transcript's utterances in spoken order; empty without a transcript. */
  utterances: UtteranceText[];
  ratings: RatingEvidence[];
}

const StoredSignals = z.array(Signal);
const StoredRuptures = z.array(Rupture);

/**
 * Everything the evidence view shows of one session, from core's reads: the current transcript, and each
 * rater's ok rating of it with its signals, quotes, ruptures and item rationales. Null when there is no such
 * session.
 */
export async function sessionEvidence(study: Study, client: string, index: number): Promise<SessionEvidence | null> {
  const session = (await listSessions(study.db, client)).find((s) => s.session === index);
  if (!session) return null;
  const transcript = (await currentTranscripts(study.db)).find((t) => t.sessionId === session.session_id);
  if (!transcript) return { session, utterances: [], ratings: [] };
  const utterances = await transcriptUtterances(study.db, transcript.transcriptId);
  const all = (await listRatings(study.db, { sessionId: session.session_id })).filter(
    (g) => g.transcriptId === transcript.transcriptId && g.status === 'ok',
  );
  const ratings: RatingEvidence[] = [];
  for (const rater of [...new Set(all.map((g) => g.rater))].sort()) {
    const mine = all.filter((g) => g.rater === rater).sort((a, b) => a.replicate - b.replicate);
    const g = mine[0]!;
    const answer = await storedAnswer(study.db, { rater, transcriptId: g.transcriptId, replicate: g.replicate });
    const parsed = answer ? RaterOutput.safeParse(answer.output) : undefined;
    const output = parsed?.success ? parsed.data : undefined;
    const signals = output?.signals ?? StoredSignals.safeParse(g.signals).data ?? [];
    const ruptures = output?.ruptures ?? StoredRuptures.safeParse(g.ruptures).data ?? [];
    const items = output
      ? output.forms.flatMap((f) =>
          f.items.map((it) => ({
            instrument: f.instrument,
            item: it.item,
            value: it.value,
            rationale: it.rationale,
            evidence: it.evidence,
          })),
        )
      : g.forms.flatMap((f) =>
          Object.entries(f.items).map(([item, value]) => ({
            instrument: f.instrument,
            item,
            value,
            rationale: null,
            evidence: [],
          })),
        );
    ratings.push({ rater, model: g.model, replicate: g.replicate, replicates: mine.length, signals, ruptures, items });
  }
  return { session, utterances, ratings };
}
