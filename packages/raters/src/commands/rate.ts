import { UsageError, defineCommand, flag, integer, list, number, text, type Progress } from '@alliance-lab/core/cli';
import { z } from 'zod';
import type { RunSummary } from '../run/rate-run';

export const rateCommand = defineCommand({
  path: ['rate'],
  summary: 'rate session transcripts with a rater from study.json: observer-form items, five-domain signals, ruptures',
  description: [
    'Each transcript is rated once per replicate; every answer is checked (scales, utterance ids, verbatim quotes)',
    'and sent back once with the problems found; an answer that fails twice is stored as failed, never scored.',
    'Answers are cached in the study store by everything that shapes them, so running the same command again',
    'requests only what is missing: an interrupted run resumes, a finished one costs nothing and changes nothing.',
    'study.json decides what leaves the machine (remoteProviders: forbid, deidentified, allow).',
    '',
    "With --batch the requests go through the provider's batch API (OpenAI, OpenAI-compatible servers that",
    'implement /v1/batches, Anthropic) at the batch price, and the command polls until the batches end',
    '(ALLIANCE_BATCH_POLL_MS sets how often; default 30 s). The batches are recorded in the study, so running the',
    'same command again, after Ctrl-C or a kill, polls and ingests them instead of sending them again.',
    '',
    'The --json summary: {rated, failed, cached, inputTokens, outputTokens, cachedTokens, costUsd}. rated and',
    'failed count ratings requested in this run; cached counts ratings answered from the store without a request.',
    '',
    'With --enqueue the ratings go into a PostgreSQL queue instead (--queue-url or ALLIANCE_STORE_URL) for',
    '`alliance worker` processes on any machine to rate; --status shows {queued, active, done, failed}.',
  ].join('\n'),
  options: z.object({
    study: text('study folder', 'DIR'),
    rater: text('a rater named in study.json "raters"', 'NAME'),
    sessions: list('session ids (C01/3) or client ids (C01); default all', 'ID,...'),
    replicates: integer('ratings per transcript, for run-to-run reliability', 'N', { min: 1, max: 100 }).default(1),
    concurrency: integer('requests in flight at once', 'N', { min: 1, max: 256 }).default(8),
    budget: number('stop requesting before the estimated cost would pass this', 'USD', { min: 0 }).optional(),
    'no-cache': flag('ask again even where an answer is stored, and replace it'),
    chunk: flag("rate transcripts over the rater's input budget in overlapping windows"),
    batch: flag("send the requests through the provider's batch API at its batch price; run again to resume"),
    enqueue: flag('put one job per rating not yet answered into the queue, for `alliance worker` to rate'),
    status: flag("show the rater's queue: queued, active, done, failed"),
    'queue-url': text('PostgreSQL of the queue (default ALLIANCE_STORE_URL); no password in it', 'URL').optional(),
  }),
  examples: [
    'alliance rate --study demo-study --rater lexicon --json',
    'alliance rate --study pilot --rater gpt --sessions C01,C02/3 --replicates 3 --concurrency 16 --budget 5',
    'alliance rate --study pilot --rater claude --batch --json',
    'alliance rate --study pilot --rater gpt --replicates 3 --enqueue --queue-url postgres://lab@db.lab/alliance',
  ],
  async run(ctx, o) {
    if ((o.enqueue || o.status) && o.batch)
      throw new UsageError('--batch cannot be combined with --enqueue or --status: workers rate live');
    if (o.enqueue || o.status) return (await import('./rate-queue')).rateQueue(ctx, o);
    const { rater, replicates, concurrency, budget: budgetUsd } = o;
    const { openStudy } = await import('@alliance-lab/core');
    const study = await openStudy(o.study);
    let bar: Progress | undefined;
    try {
      // The providers' SDKs load only when something is rated: the CLI lists this command for every command line.
      const [{ rateStudy }, { defaultServices }] = await Promise.all([
        import('../run/rate-run'),
        import('../run/default-services'),
      ]);
      const result = await rateStudy(study, {
        rater,
        sessions: o.sessions,
        replicates,
        concurrency,
        ...(budgetUsd !== undefined ? { budgetUsd } : {}),
        noCache: o['no-cache'],
        chunk: o.chunk,
        batch: o.batch,
        ...batchPoll(),
        signal: ctx.signal,
        services: defaultServices(study),
        log: ctx.log,
        onProgress: (p) => {
          bar ??= ctx.progress({ label: `rating with ${rater}`, total: p.total, unit: 'ratings' });
          bar.update(p.done, {
            failed: p.failed,
            cached: p.cached,
            tokens: p.inputTokens + p.outputTokens,
            cost: `$${p.costUsd.toFixed(4)}`,
          });
        },
      });
      bar?.finish();
      if (result.interrupted)
        ctx.warn(
          o.batch
            ? 'interrupted: what was ingested is stored and the batches are recorded; run the same command again to poll and ingest the rest'
            : 'interrupted: what was rated is stored; run the same command again to rate the rest',
        );
      const s = result.summary;
      const data: RunSummary = {
        rated: s.rated,
        failed: s.failed,
        cached: s.cached,
        inputTokens: s.inputTokens,
        outputTokens: s.outputTokens,
        cachedTokens: s.cachedTokens,
        costUsd: s.costUsd,
      };
      const text = [
        `${rater}: ${s.rated} rated, ${s.failed} failed, ${s.cached} from the cache (of ${result.total})`,
        `tokens: ${s.inputTokens.toLocaleString('en-US')} in (${s.cachedTokens.toLocaleString('en-US')} cached), ${s.outputTokens.toLocaleString('en-US')} out; cost $${s.costUsd.toFixed(4)}`,
        ...(result.batches
          ? [`batches: ${result.batches.submitted} sent, ${result.batches.resumed} sent earlier and polled`]
          : []),
        ...(result.transcripts === 'deidentified'
          ? ['transcripts were de-identified before leaving this machine']
          : []),
      ].join('\n');
      // Exit 0 only when every requested rating exists (rated now or from the cache), so a script knows to run
      // again; the summary is printed either way. Ctrl-C is the user's own stop, reported by the warning above.
      const complete = result.interrupted || s.rated + s.cached === result.total;
      return { data: { ...data }, text, ...(complete ? {} : { exitCode: 1 }) };
    } finally {
      await study.close();
    }
  },
});

/** ALLIANCE_BATCH_POLL_MS, when set to a whole number of milliseconds. */
function batchPoll(env: Record<string, string | undefined> = process.env): { batchPollMs?: number } {
  const raw = env.ALLIANCE_BATCH_POLL_MS;
  if (raw === undefined || raw.trim() === '') return {};
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`ALLIANCE_BATCH_POLL_MS must be a whole number of milliseconds >= 1, got "${raw}"`);
  return { batchPollMs: n };
}
