import type { Study } from '@alliance-lab/core';
import { openBoss } from './boss';
import { queueNames, queueSchema } from './queue-config';

/** `alliance rate --status --json`: exactly these keys. */
export interface QueueStatus {
  /** Waiting to be taken, including jobs waiting to be retried. */
  queued: number;
  /** Taken by a worker (or by one that died, until the job expires). */
  active: number;
  /** Rated, answered from the cache, or found stale. */
  done: number;
  /** In the dead-letter queue, with their reasons: every attempt failed. */
  failed: number;
}

/** Counts of one rater's queue, read from pg-boss's own tables through its API. */
export async function queueStatus(study: Study, rater: string, url: string): Promise<QueueStatus> {
  const boss = await openBoss({ url, schema: queueSchema(study.config.name), supervise: false, max: 2 });
  try {
    const { queue, deadLetter } = queueNames(rater);
    if (!(await boss.getQueue(queue))) return { queued: 0, active: 0, done: 0, failed: 0 };
    // getQueueSize counts jobs in states before the one named: created < retry < active < completed < cancelled.
    const before = (state: 'active' | 'completed' | 'cancelled', q = queue) => boss.getQueueSize(q, { before: state });
    const [waiting, unfinished, ended, dead] = await Promise.all([
      before('active'),
      before('completed'),
      before('cancelled'),
      before('completed', deadLetter),
    ]);
    return { queued: waiting, active: unfinished - waiting, done: ended - unfinished, failed: dead };
  } finally {
    await boss.stop({ graceful: false });
  }
}
