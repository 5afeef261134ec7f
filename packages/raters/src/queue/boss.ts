import PgBoss from 'pg-boss';
import { type JobTiming, maintenanceSeconds, queueNames } from './queue-config';

export type Boss = PgBoss;

export interface OpenBossOptions {
  url: string;
  schema: string;
  /** Workers look for expired jobs and return them to the queue; an enqueuer or --status only reads. */
  supervise: boolean;
  /** The job expiry the workers watch for (sets how often they look). */
  expireInSeconds?: number;
  /** Connections in the pool. */
  max?: number;
  log?: (message: string) => void;
}

/** Done jobs are kept a month, so --status still counts them the day after a long run. */
const KEEP_DONE_SECONDS = 30 * 24 * 3600;

/** pg-boss on the queue's schema, created (or migrated) on first use; stop() it when done. */
export async function openBoss(o: OpenBossOptions): Promise<Boss> {
  const boss = new PgBoss({
    connectionString: o.url,
    schema: o.schema,
    application_name: 'alliance-queue',
    max: o.max ?? 4,
    supervise: o.supervise,
    schedule: false,
    maintenanceIntervalSeconds: maintenanceSeconds(o.expireInSeconds ?? 45),
    archiveCompletedAfterSeconds: KEEP_DONE_SECONDS,
    archiveFailedAfterSeconds: KEEP_DONE_SECONDS,
  });
  // pg-boss reports a lost connection or a failed maintenance round as an event; without a listener Node would
  // throw it. The next round tries again.
  boss.on('error', (err) => o.log?.(`queue: ${err.message}`));
  await racing(() => boss.start());
  return boss;
}

/**
 * pg-boss's first start in a schema and its queue creation are DDL; two processes doing it at the same moment can
 * deadlock or collide in PostgreSQL, which aborts one of them. Both end in the same state, so the loser retries.
 */
async function racing<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 5 || (code !== '40P01' && code !== '23505' && code !== '42P07')) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt + Math.random() * 100));
    }
  }
}

/**
 * A rater's queue and its dead-letter queue. The "short" policy lets one job per singleton key wait at a time,
 * so enqueuing a cache key that is already waiting (by anyone, at the same moment too) adds nothing: a unique
 * index in pg-boss's table decides, not a look beforehand.
 */
export async function ensureQueues(
  boss: Boss,
  rater: string,
  timing?: JobTiming,
): Promise<{ queue: string; deadLetter: string }> {
  const names = queueNames(rater);
  await racing(async () => {
    if (!(await boss.getQueue(names.deadLetter))) await boss.createQueue(names.deadLetter, { name: names.deadLetter });
    if (!(await boss.getQueue(names.queue))) {
      await boss.createQueue(names.queue, {
        name: names.queue,
        policy: 'short',
        deadLetter: names.deadLetter,
        ...(timing ?? {}),
      });
    }
  });
  return names;
}
