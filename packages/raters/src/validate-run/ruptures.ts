import type { AnalysisPlan, StoredRating } from '@alliance-lab/core';
import { ruptures as findRuptures } from '@alliance-lab/core/stats';
import type { SessionInfo } from './series';

export interface EpisodeAgreement {
  tolerance: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  episodes: { rater: number; selfReport: number; matchedRater: number; matchedSelfReport: number };
  reasons?: Record<string, string>;
}

type Event = { client: string; session: number };

/**
 * Precision, recall and F1 of detected events against reference events: a detected event is a hit when the same
 * client has a reference event within `tolerance` sessions, and a reference event is found when a detected one
 * lies within `tolerance` of it.
 */
export function matchEvents(
  detected: readonly Event[],
  reference: readonly Event[],
  tolerance: number,
): EpisodeAgreement {
  const near = (a: Event, list: readonly Event[]) =>
    list.some((b) => b.client === a.client && Math.abs(b.session - a.session) <= tolerance);
  const matchedRater = detected.filter((e) => near(e, reference)).length;
  const matchedSelfReport = reference.filter((e) => near(e, detected)).length;
  const reasons: Record<string, string> = {};
  const precision = detected.length ? matchedRater / detected.length : null;
  if (precision === null) reasons.precision = 'the rater found no episode';
  const recall = reference.length ? matchedSelfReport / reference.length : null;
  if (recall === null) reasons.recall = 'the self-report has no episode';
  let f1: number | null = null;
  if (precision !== null && recall !== null && precision + recall > 0)
    f1 = (2 * precision * recall) / (precision + recall);
  else reasons.f1 = reasons.precision ?? reasons.recall ?? 'neither precision nor recall is above 0';
  const out: EpisodeAgreement = {
    tolerance,
    precision,
    recall,
    f1,
    episodes: { rater: detected.length, selfReport: reference.length, matchedRater, matchedSelfReport },
  };
  return Object.keys(reasons).length ? { ...out, reasons } : out;
}

/** Rupture sessions in one score series by the study's rupture rule (`alliance stats ruptures`). */
export function ruptureSessions(
  series: ReadonlyMap<string, number>,
  info: ReadonlyMap<string, SessionInfo>,
  rule: AnalysisPlan['ruptures'],
): Event[] {
  const subject: string[] = [];
  const session: number[] = [];
  const value: number[] = [];
  for (const [id, v] of series) {
    const s = info.get(id);
    if (!s) continue;
    subject.push(s.client);
    session.push(s.session);
    value.push(v);
  }
  if (value.length === 0) return [];
  try {
    return findRuptures({ subject, session, value }, { k: rule.k, window: rule.window }).episodes.map((e) => ({
      client: e.client,
      session: e.rupture.session,
    }));
  } catch (err) {
    if (err instanceof RangeError) return [];
    throw err;
  }
}

/** Sessions where a rater marked an in-session rupture (any replicate). */
export function markerSessions(ratings: readonly StoredRating[], info: ReadonlyMap<string, SessionInfo>): Event[] {
  const seen = new Set<string>();
  const out: Event[] = [];
  for (const g of ratings)
    if (g.status === 'ok' && g.ruptures.length > 0 && !seen.has(g.sessionId)) {
      seen.add(g.sessionId);
      const s = info.get(g.sessionId);
      if (s) out.push({ client: s.client, session: s.session });
    }
  return out;
}
