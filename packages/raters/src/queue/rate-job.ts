import type { Study } from '@alliance-lab/core';
import { rateStudy } from '../run/rate-run';
import type { RunServices } from '../run/run-services';
import { cachedAnswer } from '../run/store-rating';
import type { RatingJob } from './job';

export type JobResult =
  | { kind: 'rated' | 'cached' | 'stale' }
  /** The rating failed: pg-boss retries the job, then moves it to the dead-letter queue with the reason. */
  | { kind: 'failed'; reason: string }
  /** Not tried: the budget would have been passed, or the worker is stopping. The job goes back to the queue. */
  | { kind: 'not-started'; reason: string };

export interface RateJobOptions {
  services: RunServices;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  budgetUsd?: number;
  log?: (message: string) => void;
}

/**
 * One queued rating, through the rate run itself: the same selection, privacy policy, cache, cache lease,
 * retries, validation and store as `alliance rate`, narrowed by its select hook to the job's cache key. The run's
 * messages about the rating (scrubbed of transcript text) are the failure reason.
 */
export async function rateJob(
  study: Study,
  job: RatingJob,
  o: RateJobOptions,
): Promise<JobResult & { costUsd: number }> {
  const messages: string[] = [];
  let seen = false;
  const run = await rateStudy(study, {
    rater: job.rater,
    sessions: [job.sessionId],
    replicates: job.replicates,
    chunk: job.chunk,
    concurrency: 1,
    services: o.services,
    ...(o.env ? { env: o.env } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.budgetUsd !== undefined ? { budgetUsd: o.budgetUsd } : {}),
    log: (m) => {
      messages.push(m);
      o.log?.(m);
    },
    select: (identity) => {
      const mine = identity.cacheKey === job.cacheKey;
      seen ||= mine;
      return mine;
    },
  });
  const s = run.summary;
  const costUsd = s.costUsd;
  const reason = messages.join('; ') || 'the rating failed';
  if (s.rated > 0) return { kind: 'rated', costUsd };
  if (s.failed > 0) return { kind: 'failed', reason, costUsd };
  if (s.cached > 0) {
    // A rating stored as failed (its answer failed validation twice) is final, as in `alliance rate`; the job
    // fails with its reasons each time it is tried, so it ends in the dead-letter queue rather than as done.
    const outcome = await cachedAnswer(study, job.cacheKey);
    if (outcome?.status === 'failed') {
      const problems = outcome.failure?.length ?? 0;
      return {
        kind: 'failed',
        reason: `the answer failed validation twice (${problems} problems); stored as failed`,
        costUsd,
      };
    }
    return { kind: 'cached', costUsd };
  }
  if (run.notStarted > 0) return { kind: 'not-started', reason: 'the worker budget would have been passed', costUsd };
  if (run.interrupted) return { kind: 'not-started', reason: 'the worker stopped', costUsd };
  // The session's current transcript, or the rater's configuration, changed since the job was enqueued: its key
  // is no longer one the study asks for. Enqueue again to rate what the study holds now.
  return seen ? { kind: 'failed', reason, costUsd } : { kind: 'stale', costUsd };
}
