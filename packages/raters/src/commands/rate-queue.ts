import { type CommandContext, type CommandResult, UsageError, renderTable } from '@alliance-lab/core/cli';

/** The rate options --enqueue and --status read. */
export interface RateQueueOptions {
  study: string;
  rater: string;
  sessions?: string[] | undefined;
  replicates: number;
  budget?: number | undefined;
  'no-cache': boolean;
  chunk: boolean;
  enqueue: boolean;
  status: boolean;
  'queue-url'?: string | undefined;
}

/** `alliance rate --enqueue` and `alliance rate --status`: the queue side of the rate command. */
export async function rateQueue(ctx: CommandContext, o: RateQueueOptions): Promise<CommandResult> {
  if (o.enqueue && o.status) throw new UsageError('--enqueue and --status go in separate commands');
  if (o.enqueue && o['no-cache'])
    throw new UsageError('--no-cache does not go with --enqueue: the queue rates only what is not answered yet');
  if (o.enqueue && o.budget !== undefined)
    throw new UsageError('--budget belongs to the workers with --enqueue: alliance worker --budget USD');
  if (o.status && (o.sessions?.length || o.chunk || o.replicates !== 1))
    throw new UsageError('--status shows the whole queue of the rater: leave out --sessions, --replicates and --chunk');
  const [{ openStudy }, { queueUrl, storeUrlOf }] = await Promise.all([
    import('@alliance-lab/core'),
    import('../queue/queue-config'),
  ]);
  const study = await openStudy(o.study);
  try {
    const url = queueUrl(o['queue-url'], process.env, storeUrlOf(study));
    if (!study.config.raters[o.rater]) {
      const names = Object.keys(study.config.raters);
      throw new UsageError(
        `no rater "${o.rater}" in study.json; it defines ${names.map((n) => `"${n}"`).join(', ') || 'none'}`,
      );
    }
    if (o.status) {
      const { queueStatus } = await import('../queue/status');
      const s = await queueStatus(study, o.rater, url);
      const text = renderTable(['queued', 'active', 'done', 'failed'], [[s.queued, s.active, s.done, s.failed]]);
      return { data: { ...s }, text: `${o.rater}: the queue\n${text}` };
    }
    const [{ enqueueRatings }, { defaultServices }] = await Promise.all([
      import('../queue/enqueue'),
      import('../run/default-services'),
    ]);
    const r = await enqueueRatings(study, {
      rater: o.rater,
      ...(o.sessions ? { sessions: o.sessions } : {}),
      replicates: o.replicates,
      chunk: o.chunk,
      url,
      services: defaultServices(study),
      signal: ctx.signal,
      log: ctx.log,
    });
    const text = `${o.rater}: ${r.queued} queued, ${r.alreadyQueued} already in the queue, ${r.cached} answered already (of ${r.total}); start \`alliance worker --study ${o.study}\` where the database is reachable`;
    return { data: { ...r }, text };
  } finally {
    await study.close();
  }
}
