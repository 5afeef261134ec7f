import { type Study, UsageError, sleep } from '@alliance-lab/core';
import type { RunServices } from '../run/run-services';
import { type Boss, ensureQueues, openBoss } from './boss';
import { RatingJob } from './job';
import { jobTiming, queueSchema } from './queue-config';
import { rateJob } from './rate-job';

export interface WorkerOptions {
  url: string;
  /** Raters whose queues this worker serves; default every rater in study.json. */
  raters?: string[];
  /** Jobs in flight at once. */
  concurrency: number;
  /** Stop taking jobs once this worker has spent this much. */
  budgetUsd?: number;
  /** Exit once nothing is waiting or running in the queues (default: keep waiting for new jobs). */
  drain?: boolean;
  /** How long an idle slot waits before looking again. */
  pollMs?: number;
  services: RunServices;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  log?: (message: string) => void;
  onJob?: (kind: string, job: RatingJob) => void;
}

export interface WorkerSummary {
  rated: number;
  cached: number;
  failed: number;
  stale: number;
  costUsd: number;
}

/**
 * Takes jobs from the study's rater queues and rates each through the rate run (rate-job.ts) until stopped, or,
 * with `drain`, until the queues are empty. pg-boss's own work() loop is not used: it fails a job that outlives
 * its expiry while the handler still runs and waits a polling interval after every job. Here a slot fetches
 * again as soon as a job ends, and a job that outlives its expiry is simply handed to another worker by pg-boss,
 * which finds the cache key leased by this one (the lease is renewed while the request runs) and waits for its
 * answer instead of asking again; a worker killed outright stops renewing, so the next one asks.
 */
export async function runWorker(study: Study, o: WorkerOptions): Promise<WorkerSummary> {
  const env = o.env ?? process.env;
  const log = o.log ?? (() => {});
  const raters = o.raters ?? Object.keys(study.config.raters);
  for (const r of raters) {
    if (!study.config.raters[r]) throw new UsageError(`no rater "${r}" in study.json`);
  }
  if (raters.length === 0) throw new UsageError('study.json names no raters, so there is no queue to work on');
  const timing = jobTiming(env);
  const boss = await openBoss({
    url: o.url,
    schema: queueSchema(study.config.name),
    supervise: true,
    expireInSeconds: timing.expireInSeconds,
    max: o.concurrency + 2,
    log,
  });
  const queues: string[] = [];
  for (const r of raters) queues.push((await ensureQueues(boss, r, timing)).queue);
  const summary: WorkerSummary = { rated: 0, cached: 0, failed: 0, stale: 0, costUsd: 0 };
  const services = onePreparedRaterEach(o.services);
  const signal = o.signal ?? new AbortController().signal;
  const pollMs = o.pollMs ?? 1000;
  let budgetStopped = false;
  let turn = 0;

  const slot = async () => {
    while (!signal.aborted && !budgetStopped) {
      const taken = await takeJob(boss, queues, turn++);
      if (!taken) {
        if (o.drain && (await queuesEmpty(boss, queues))) return;
        await sleep(pollMs, signal);
        continue;
      }
      const { queue, id, data } = taken;
      const parsed = RatingJob.safeParse(data);
      if (!parsed.success) {
        await boss.fail(queue, id, { message: 'not a rating job of this version of alliance' });
        continue;
      }
      const job = parsed.data;
      let result: Awaited<ReturnType<typeof rateJob>>;
      try {
        result = await rateJob(study, job, {
          services,
          env,
          signal,
          log,
          ...(o.budgetUsd !== undefined ? { budgetUsd: Math.max(0, o.budgetUsd - summary.costUsd) } : {}),
        });
      } catch (err) {
        // Not the rating's failure but the run's (a bad study.json, a store error): pg-boss retries the job.
        const message = err instanceof Error ? err.message : String(err);
        log(`session ${job.sessionId} replicate ${job.replicate}: ${message}`);
        await boss.fail(queue, id, { message });
        summary.failed++;
        o.onJob?.('failed', job);
        continue;
      }
      summary.costUsd += result.costUsd;
      o.onJob?.(result.kind, job);
      switch (result.kind) {
        case 'failed':
          summary.failed++;
          await boss.fail(queue, id, { message: result.reason });
          break;
        case 'not-started':
          if (!signal.aborted) {
            budgetStopped = true;
            log(`budget of $${o.budgetUsd} reached: this worker takes no more jobs`);
          }
          await boss.fail(queue, id, { message: result.reason });
          break;
        default:
          summary[result.kind]++;
          if (result.kind === 'stale')
            log(
              `session ${job.sessionId} replicate ${job.replicate}: the transcript or the rater changed since it was enqueued; enqueue again`,
            );
          await boss.complete(queue, id, { result: result.kind });
      }
    }
  };

  try {
    const slots = await Promise.allSettled(Array.from({ length: o.concurrency }, slot));
    const failed = slots.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return summary;
  } finally {
    await boss.stop({ graceful: false });
  }
}

/**
 * Each job is a rate run of its own; the rater it prepares (its SDK client with its connections, its prompt
 * template) is the same for every job of this worker, so it is prepared once per rater.
 */
function onePreparedRaterEach(services: RunServices): RunServices {
  const prepared = new Map<string, ReturnType<RunServices['createRater']>>();
  return {
    ...services,
    createRater(rater, env) {
      let p = prepared.get(rater.name);
      if (!p) {
        p = services.createRater(rater, env);
        // A failure (a missing key, say) is not kept: the next job tries again.
        p.catch(() => prepared.delete(rater.name));
        prepared.set(rater.name, p);
      }
      return p;
    },
  };
}

/** The next job of any of the queues, taking them in turn so one rater's backlog does not starve another's. */
async function takeJob(
  boss: Boss,
  queues: readonly string[],
  turn: number,
): Promise<{ queue: string; id: string; data: unknown } | undefined> {
  for (let i = 0; i < queues.length; i++) {
    const queue = queues[(turn + i) % queues.length]!;
    const [job] = await boss.fetch(queue, { batchSize: 1 });
    if (job) return { queue, id: job.id, data: job.data };
  }
  return undefined;
}

/** Nothing waiting (created or retrying) and nothing running, in every queue. */
async function queuesEmpty(boss: Boss, queues: readonly string[]): Promise<boolean> {
  for (const q of queues) if ((await boss.getQueueSize(q, { before: 'completed' })) > 0) return false;
  return true;
}
