import { queryScores, type Study } from '@alliance-lab/core';
import { ruptures, type ClientRuptures, type Episode, type RuptureResult } from '@alliance-lab/core/stats';

export type Criterion = NonNullable<Study['config']['analysis']['criterion']>;

export interface TrajectoryRuptures {
  criterion: Criterion;
  /** This client's episodes. */
  episodes: Episode[];
  /** How this client was screened (sessions, mean, SD, or why not); null when it has no criterion scores. */
  screening: ClientRuptures | null;
  rules: RuptureResult['rules'] | null;
  method: string | null;
  /** Why no episodes could be looked for in anyone, when that is so. */
  unavailable: string | null;
}

/**
 * Rupture–repair episodes in the criterion self-report, found over every client and then narrowed to one. The
 * whole study goes in because the reliable-change threshold comes from the pooled within-client residual SD:
 * screened alone, a client would get a different threshold, and different episodes, from `alliance stats
 * ruptures` run on the study's totals with the same k and window.
 */
export async function criterionRuptures(study: Study, client: string): Promise<TrajectoryRuptures | null> {
  const criterion = study.config.analysis.criterion;
  if (!criterion) return null;
  const rows = (await queryScores(study.db, { ...criterion, sources: ['self-report'] })).filter(
    (r) => r.score !== null,
  );
  const { k, window } = study.config.analysis.ruptures;
  const base = { criterion, episodes: [], screening: null, rules: null, method: null };
  let result: RuptureResult;
  try {
    result = ruptures(
      { subject: rows.map((r) => r.client), session: rows.map((r) => r.session), value: rows.map((r) => r.score!) },
      { k, window },
    );
  } catch (err) {
    // Too little data (no client with three scored sessions) is a state of the study, not a server fault.
    if (err instanceof RangeError) return { ...base, unavailable: err.message };
    throw err;
  }
  return {
    criterion,
    episodes: result.episodes.filter((e) => e.client === client),
    screening: result.clients.find((c) => c.client === client) ?? null,
    rules: result.rules,
    method: result.method,
    unavailable: null,
  };
}
