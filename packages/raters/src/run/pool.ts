/**
 * A bounded pool: at most `concurrency` tasks in flight, taken in order from `items`. `admit` is asked before
 * each task starts; the first refusal stops scheduling for good (the budget), while tasks in flight finish.
 * The run's signal stops scheduling too. Returns how many items were never started.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
  opts: { signal?: AbortSignal; admit?: (item: T) => boolean } = {},
): Promise<{ notStarted: number }> {
  let next = 0;
  let stopped = false;
  const worker = async () => {
    while (!stopped && next < items.length) {
      if (opts.signal?.aborted) {
        stopped = true;
        break;
      }
      const item = items[next]!;
      if (opts.admit && !opts.admit(item)) {
        stopped = true;
        break;
      }
      next++;
      try {
        await task(item);
      } catch (err) {
        // A task that throws is fatal to the run: no new work starts, the error surfaces once the others finish.
        stopped = true;
        throw err;
      }
    }
  };
  const n = Math.max(1, Math.min(concurrency, items.length));
  const results = await Promise.allSettled(Array.from({ length: n }, worker));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return { notStarted: items.length - next };
}
