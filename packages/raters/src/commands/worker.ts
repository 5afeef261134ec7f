import { defineCommand, integer, list, number, text, flag } from '@alliance-lab/core/cli';
import { z } from 'zod';

export const workerCommand = defineCommand({
  path: ['worker'],
  summary: 'rate the jobs `alliance rate --enqueue` queued, on any machine that reaches the queue',
  description: [
    'Takes rating jobs from the PostgreSQL queue of the study (pg-boss; --queue-url or ALLIANCE_STORE_URL) and',
    'rates each exactly as `alliance rate` does: the same cache and cache leases, retries, privacy policy,',
    'validation and store. Start as many workers as you like, here or elsewhere; each cache key is asked once.',
    'A worker killed outright loses nothing: its jobs return to the queue when they expire (45 s after they',
    'were taken, ALLIANCE_QUEUE_EXPIRE_SECONDS at enqueue) and another worker rates them. A job that keeps',
    'failing goes to the dead-letter queue with its reason (see `alliance rate --status`).',
    '',
    'The --json summary (with --drain, or after Ctrl-C): {rated, cached, failed, stale, costUsd}.',
  ].join('\n'),
  options: z.object({
    study: text('study folder', 'DIR'),
    rater: list('only the queues of these raters; default every rater in study.json', 'NAME,...'),
    concurrency: integer('jobs in flight at once', 'N', { min: 1, max: 256 }).default(8),
    budget: number('stop taking jobs before this worker would spend more than this', 'USD', { min: 0 }).optional(),
    drain: flag('exit once nothing is queued or running, instead of waiting for new jobs'),
    'queue-url': text('PostgreSQL of the queue (default ALLIANCE_STORE_URL); no password in it', 'URL').optional(),
  }),
  examples: [
    'alliance worker --study pilot --concurrency 16',
    'PGPASSWORD=… alliance worker --study pilot --rater gpt --queue-url postgres://lab@db.lab/alliance --drain --json',
  ],
  async run(ctx, o) {
    const [{ openStudy }, { queueUrl, storeUrlOf }] = await Promise.all([
      import('@alliance-lab/core'),
      import('../queue/queue-config'),
    ]);
    const study = await openStudy(o.study);
    try {
      const url = queueUrl(o['queue-url'], process.env, storeUrlOf(study));
      const [{ runWorker }, { defaultServices }] = await Promise.all([
        import('../queue/worker'),
        import('../run/default-services'),
      ]);
      // SIGTERM (a service manager stopping the worker) stops it as Ctrl-C does: jobs in flight go back.
      const stop = new AbortController();
      const onTerm = () => stop.abort();
      process.once('SIGTERM', onTerm);
      ctx.signal.addEventListener('abort', onTerm, { once: true });
      try {
        const s = await runWorker(study, {
          url,
          ...(o.rater?.length ? { raters: o.rater } : {}),
          concurrency: o.concurrency,
          ...(o.budget !== undefined ? { budgetUsd: o.budget } : {}),
          drain: o.drain,
          services: defaultServices(study),
          signal: stop.signal,
          log: ctx.log,
        });
        const text = `worker: ${s.rated} rated, ${s.cached} from the cache, ${s.failed} failed, ${s.stale} stale; cost $${s.costUsd.toFixed(4)}`;
        return { data: { ...s }, text, ...(s.failed > 0 ? { exitCode: 1 as const } : {}) };
      } finally {
        process.off('SIGTERM', onTerm);
      }
    } finally {
      await study.close();
    }
  },
});
