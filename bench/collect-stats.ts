import type { Server } from 'node:http';
import {
  type IntervalHistogram,
  monitorEventLoopDelay,
  type PerformanceEntry,
  PerformanceObserver,
} from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Study } from '@alliance-lab/core';

/** A full collection of this process's heap now (V8's gc(), reached without starting node with --expose-gc). */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Percentiles of a list of milliseconds (sorted in place). */
export function spread(ms: number[]): { n: number; p50: number; p99: number; max: number } {
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.max(0, Math.ceil(ms.length * q) - 1))] ?? 0;
  return { n: ms.length, p50: at(0.5), p99: at(0.99), max: ms[ms.length - 1] ?? 0 };
}

const GC_KINDS: Record<number, string> = { 1: 'scavenge', 2: 'markCompact', 4: 'incremental', 8: 'weakCallbacks' };
const gcKind = (e: PerformanceEntry) =>
  GC_KINDS[(e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';

/**
 * What the bench server saw between two asks: each request's time from node:http handing it over to its answer's
 * last byte written, the event loop's delay, each GC pause by kind, and each SQLite commit's duration with the
 * number of submissions it held. Set against the client's latencies it says where a tail comes from.
 */
export class ServerStats {
  private requests: number[] = [];
  private gc: Record<string, number[]> = {};
  private commits: number[] = [];
  private batches: number[] = [];
  private inBatch = 0;
  private readonly loop: IntervalHistogram;
  /** BENCH_COLLECT_TRACE: every request, GC and commit with its start and duration. */
  private readonly tracing = Boolean(process.env.BENCH_COLLECT_TRACE);
  private events: [string, number, number][] = [];

  constructor(server: Server, sqlite: NonNullable<Study['sqlite']>) {
    server.on('connection', () => {
      if (this.tracing) this.events.push(['conn', performance.timeOrigin + performance.now(), 0]);
    });
    server.on('request', (_req, res) => {
      const t0 = performance.now();
      res.once('finish', () => {
        this.requests.push(performance.now() - t0);
        if (this.tracing) this.events.push(['r', performance.timeOrigin + t0, performance.now() - t0]);
      });
    });
    this.loop = monitorEventLoopDelay({ resolution: 1 });
    this.loop.enable();
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const kind = gcKind(e);
        (this.gc[kind] ??= []).push(e.duration);
        if (this.tracing) this.events.push([kind, performance.timeOrigin + e.startTime, e.duration]);
      }
    }).observe({ entryTypes: ['gc'] });
    // Counted at the connection: every claim of an invitation is one submission of a group commit, every commit
    // closes one.
    const exec = sqlite.exec.bind(sqlite);
    sqlite.exec = (source: string) => {
      if (source !== 'commit') return exec(source);
      const t0 = performance.now();
      const r = exec(source);
      this.commits.push(performance.now() - t0);
      if (this.tracing) this.events.push([`c${this.inBatch}`, performance.timeOrigin + t0, performance.now() - t0]);
      this.batches.push(this.inBatch);
      this.inBatch = 0;
      return r;
    };
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((source: string) => {
      const st = prepare(source);
      if (source.startsWith('UPDATE invitations SET completed_at')) {
        const run = st.run.bind(st);
        st.run = (...a: unknown[]) => {
          this.inBatch++;
          return run(...a);
        };
      }
      return st;
    }) as typeof sqlite.prepare;
  }

  take() {
    const out = {
      requests: spread(this.requests),
      loopDelay: {
        p50: this.loop.percentile(50) / 1e6,
        p99: this.loop.percentile(99) / 1e6,
        max: this.loop.max / 1e6,
      },
      gc: Object.fromEntries(
        Object.entries(this.gc).map(([k, v]) => [k, { ...spread(v), totalMs: v.reduce((a, b) => a + b, 0) }]),
      ),
      commits: spread(this.commits),
      batches: spread(this.batches),
      ...(this.tracing ? { trace: this.events } : {}),
    };
    this.events = [];
    this.requests = [];
    this.gc = {};
    this.commits = [];
    this.batches = [];
    this.loop.reset();
    return out;
  }
}

/** The load generator's own event-loop delay and GC pauses: they land in its latencies, not the server's. */
export class ClientStats {
  private gc: Record<string, number[]> = {};
  private readonly loop: IntervalHistogram;
  private readonly observer: PerformanceObserver;
  constructor() {
    this.loop = monitorEventLoopDelay({ resolution: 1 });
    this.loop.enable();
    this.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const kind = gcKind(e);
        (this.gc[kind] ??= []).push(e.duration);
      }
    });
    this.observer.observe({ entryTypes: ['gc'] });
  }
  take() {
    this.loop.disable();
    this.observer.disconnect();
    return {
      loopDelay: { p50: this.loop.percentile(50) / 1e6, p99: this.loop.percentile(99) / 1e6, max: this.loop.max / 1e6 },
      gc: Object.fromEntries(
        Object.entries(this.gc).map(([k, v]) => [k, { ...spread(v), totalMs: v.reduce((a, b) => a + b, 0) }]),
      ),
    };
  }
}
