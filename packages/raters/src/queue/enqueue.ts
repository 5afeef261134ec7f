import { type Study, UsageError } from '@alliance-lab/core';
import { alreadyAnswered } from '../run/plan';
import { rateStudy } from '../run/rate-run';
import type { RunServices } from '../run/run-services';
import { existingRatings } from '../run/store-rating';
import { ensureQueues, openBoss } from './boss';
import type { RatingJob } from './job';
import { jobTiming, queueSchema } from './queue-config';

export interface EnqueueOptions {
  rater: string;
  sessions?: string[];
  replicates: number;
  chunk: boolean;
  url: string;
  services: RunServices;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  log?: (message: string) => void;
}

export interface EnqueueResult {
  /** Jobs added now. */
  queued: number;
  /** Cache keys already waiting in the queue (enqueued before, or by another enqueuer at the same time). */
  alreadyQueued: number;
  /** Ratings already stored or answered by the cache: nothing to do. */
  cached: number;
  total: number;
}

/**
 * One job per transcript × replicate not yet answered. The rate run itself plans the jobs (selection, privacy
 * policy, de-identification, cache keys) and stores answers the cache already has; its select hook hands every
 * other rating here instead of asking a provider.
 */
export async function enqueueRatings(study: Study, o: EnqueueOptions): Promise<EnqueueResult> {
  const env = o.env ?? process.env;
  const timing = jobTiming(env);
  const existing = await existingRatings(study, o.rater);
  const jobs: RatingJob[] = [];
  const run = await rateStudy(study, {
    rater: o.rater,
    ...(o.sessions ? { sessions: o.sessions } : {}),
    replicates: o.replicates,
    chunk: o.chunk,
    services: o.services,
    env,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.log ? { log: o.log } : {}),
    // A stored rating or a cached answer is left to the run (counted as cached, the answer stored); the rest
    // become jobs.
    select: async (identity) => {
      if (await alreadyAnswered(study, existing, identity)) return true;
      jobs.push({
        rater: o.rater,
        sessionId: identity.sessionId,
        transcriptId: identity.transcriptId,
        replicate: identity.replicate,
        cacheKey: identity.cacheKey,
        replicates: o.replicates,
        chunk: o.chunk,
      });
      return false;
    },
  });
  if (run.summary.rated + run.summary.failed > 0)
    throw new Error('enqueue asked a provider: the select hook must decline every unanswered rating');
  if (run.interrupted) throw new UsageError('interrupted before anything was enqueued');

  const boss = await openBoss({
    url: o.url,
    schema: queueSchema(study.config.name),
    supervise: false,
    ...(o.log ? { log: o.log } : {}),
  });
  try {
    const { queue } = await ensureQueues(boss, o.rater, timing);
    let queued = 0;
    for (const job of jobs) {
      const id = await boss.send(queue, job, {
        singletonKey: job.cacheKey,
        expireInSeconds: timing.expireInSeconds,
        retryLimit: timing.retryLimit,
        retryDelay: timing.retryDelay,
        retryBackoff: true,
      });
      if (id) queued++;
    }
    return { queued, alreadyQueued: jobs.length - queued, cached: run.summary.cached, total: run.total };
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}
