import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { onFastCommit } from './write-lock';

/**
 * WAL checkpoints off a server's request path. SQLite's automatic checkpoint runs inside the COMMIT that
 * crosses 1,000 WAL pages: it copies the pages into the database file and fsyncs both files, on the thread that
 * committed. For `alliance serve` that thread is the event loop, and the load benchmark saw those commits take
 * 25–65 ms instead of 0.4 ms, every request of the batch (and those queued behind it) waiting out the fsyncs:
 * the largest share of the submission tail.
 *
 * So a serving connection turns its automatic checkpoint off and a worker thread, on a connection of its own,
 * runs PASSIVE checkpoints: at most one per `intervalMs`, just after a commit of the fast path (writeSqlite
 * signals it), or after twice that with no signal (for other writers). PASSIVE takes no lock a writer needs,
 * so commits carry on while it copies and syncs. When it has copied every frame before the next commit, that
 * commit starts the WAL from its beginning again; under a steady load on a slow disk the fsyncs often outlast
 * the gap between commits, and the WAL grows instead.
 *
 * So it is bounded: when a checkpoint finds more than `maxWalPages` frames in the WAL, the worker runs a
 * RESTART checkpoint, which holds writers back while it copies what PASSIVE has not (little by then) and waits
 * for readers, so that the next commit starts the WAL again. Should the worker stop for any reason other than
 * `stop()`, the serving connection gets its automatic checkpoint back.
 *
 * Durability is what study.ts documents for WAL with synchronous = NORMAL: a commit is atomic and survives the
 * process crashing at once; the WAL is fsynced at each checkpoint, so a power failure can lose the commits made
 * since the last one, here at most about `intervalMs` of them (the automatic checkpoint bounded that by 1,000
 * pages instead).
 */
export interface CheckpointerOptions {
  /** How often the worker checkpoints; 200 ms unless given. */
  intervalMs?: number;
  /** WAL length (pages) beyond which a checkpoint is a RESTART that holds writers back; 10,000 unless given. */
  maxWalPages?: number;
  /** Called after each checkpoint with its outcome (for tests and diagnostics). */
  onCheckpoint?: (c: CheckpointOutcome) => void;
  /** Called when the worker fails; the serving connection has its automatic checkpoint back by then. */
  onError?: (err: Error) => void;
}

export interface CheckpointOutcome {
  mode: 'PASSIVE' | 'RESTART';
  /** Frames in the WAL when the checkpoint ran, and how many of them are now in the database file. */
  walPages: number;
  checkpointed: number;
  /** How long it took, fsyncs included. */
  ms: number;
}

export interface Checkpointer {
  /** Checkpoints at once (the interval starts again after it), e.g. in an idle moment. */
  checkpointNow(): Promise<CheckpointOutcome>;
  /** Restores automatic checkpoints and stops the worker after its current checkpoint, closing its connection. */
  stop(): Promise<void>;
}

/** How many checkpointers a connection has (two servers over one study): the last to stop restores. */
const running = new WeakMap<BetterSqlite3.Database, number>();

/** SQLite's default, restored when the worker stops. */
const AUTOCHECKPOINT_PAGES = 1000;

// CommonJS, run with eval so that it loads the same way from the sources (tsx, vitest) and from the CLI's bundle.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { closeSync, fsyncSync, openSync } = require('node:fs');
const { intervalMs, maxWalPages } = workerData;
let db;
let dbFile;
let timer;
let last = 0;
let stopped = false;
// An error crosses to the parent thread as a plain object without its message: it is sent as text instead.
function fail(err) {
  stopped = true;
  parentPort.postMessage({ failed: String((err && err.message) || err) });
  process.exit(1);
}
function tick(asked) {
  if (timer) clearTimeout(timer);
  timer = undefined;
  if (stopped) return;
  last = Date.now();
  const t0 = performance.now();
  try {
    let [r] = db.pragma('wal_checkpoint(PASSIVE)');
    let mode = 'PASSIVE';
    if (r.log > maxWalPages) {
      // The RESTART syncs the database file while writers wait. The pages PASSIVE copied are synced first,
      // outside any lock, and what came meanwhile copied, so the RESTART has little to copy and little to sync:
      // left to it, that sync held a commit of the load benchmark back for 145 ms.
      fsyncSync(dbFile);
      db.pragma('wal_checkpoint(PASSIVE)');
      [r] = db.pragma('wal_checkpoint(RESTART)');
      mode = 'RESTART';
    }
    parentPort.postMessage({ mode, walPages: r.log, checkpointed: r.checkpointed, ms: performance.now() - t0, asked });
  } catch (err) {
    return fail(err);
  }
  // Writes the parent does not signal (kysely's, another process's) are copied on this timer.
  timer = setTimeout(tick, 2 * intervalMs, false);
}
parentPort.on('message', (m) => {
  if (m === 'checkpoint') return tick(true);
  if (m === 'committed') return Date.now() - last >= intervalMs ? tick(false) : undefined;
  if (m !== 'stop') return;
  stopped = true;
  if (timer) clearTimeout(timer);
  try {
    db.close();
    closeSync(dbFile);
  } catch (err) {
    return fail(err);
  }
  parentPort.close();
});
try {
  const Database = require(workerData.driver);
  db = new Database(workerData.file, { fileMustExist: true });
  dbFile = openSync(workerData.file, 'r');
  db.pragma('busy_timeout = ' + workerData.busyMs);
  timer = setTimeout(tick, intervalMs, false);
} catch (err) {
  fail(err);
}
`;

/**
 * Starts checkpointing `sqlite`'s database from a worker thread (see above). The worker does not keep the
 * process alive; call stop() before closing the study so its connection closes first.
 */
export function startCheckpointer(sqlite: BetterSqlite3.Database, opts: CheckpointerOptions = {}): Checkpointer {
  const intervalMs = opts.intervalMs ?? 200;
  const worker = new Worker(WORKER, {
    eval: true,
    // Plain CommonJS needs none of the parent's loader flags (under tsx, its hooks would load in the worker too).
    execArgv: [],
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      file: sqlite.name,
      intervalMs,
      maxWalPages: opts.maxWalPages ?? 10_000,
      // A RESTART waits this long for a reader to finish before giving up until the next interval.
      busyMs: 1000,
    },
  });
  worker.unref();
  // Asked at most once an interval, just after a commit: the checkpoint then has until the next commit to copy
  // every frame, and the commit after it starts the WAL from its beginning again.
  let signalled = 0;
  const unhook = onFastCommit(sqlite, () => {
    const now = Date.now();
    if (now - signalled < intervalMs) return;
    signalled = now;
    worker.postMessage('committed');
  });
  running.set(sqlite, (running.get(sqlite) ?? 0) + 1);
  sqlite.pragma('wal_autocheckpoint = 0');
  let stopping = false;
  let ended: Error | undefined;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    unhook();
    const left = (running.get(sqlite) ?? 1) - 1;
    running.set(sqlite, left);
    if (left === 0 && sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  };
  const asked: Array<{ resolve: (c: CheckpointOutcome) => void; reject: (err: Error) => void }> = [];
  const end = (err: Error) => {
    ended ??= err;
    restore();
    for (const a of asked.splice(0)) a.reject(err);
  };
  const failed = (err: Error) => {
    end(err);
    opts.onError?.(err);
  };
  worker.on('message', (m: (CheckpointOutcome & { asked: boolean }) | { failed: string }) => {
    if ('failed' in m) return failed(new Error(`WAL checkpoints of ${sqlite.name}: ${m.failed}`));
    const { asked: wasAsked, ...outcome } = m;
    opts.onCheckpoint?.(outcome);
    if (wasAsked) asked.shift()?.resolve(outcome);
  });
  worker.on('error', (err) => failed(err instanceof Error ? err : new Error(String(err))));
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      end(new Error('the checkpointer has stopped'));
      resolve();
    }),
  );
  return {
    checkpointNow() {
      if (stopping || ended) return Promise.reject(ended ?? new Error('the checkpointer has stopped'));
      return new Promise((resolve, reject) => {
        asked.push({ resolve, reject });
        worker.postMessage('checkpoint');
      });
    },
    async stop() {
      if (!stopping) {
        stopping = true;
        // At once, not when the worker has gone: a commit made meanwhile checkpoints as SQLite's do.
        restore();
        worker.postMessage('stop');
      }
      await exited;
    },
  };
}
