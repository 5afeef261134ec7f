import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError, formatLocation, type InputLocation } from '../../util/errors';
import { unpackSession, type PackedSession } from './session-pack';
import type { CsvColumns, FormatName, ParsedSession, SessionMeta } from './types';

export interface WorkerJob {
  format: FormatName;
  path: string;
  label: string;
  meta: SessionMeta;
  speakers: readonly string[];
  columns: CsvColumns;
  delimiter?: string;
  /** Batches the parser may send ahead of the writer. */
  credits: number;
  /** Utterances per batch. */
  batchUtterances: number;
}

export type WorkerMessage =
  | { type: 'batch'; sessions: PackedSession[] }
  | { type: 'bytes'; bytes: number }
  | { type: 'done' }
  | { type: 'warning'; message: string }
  | { type: 'input-error'; message: string; location: InputLocation }
  | { type: 'failure'; message: string; stack?: string };

// From source (tests, tsx) the parser module is TypeScript, and tsx's loader hooks do not reach worker threads:
// the worker registers them itself before importing it. The cli package's build emits the worker as
// parse-worker.js beside the bundle, so there the worker starts from that file.
function workerSource(): { source: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { source: new URL('./parse-worker.js', import.meta.url), eval: false };
  return { source: bootstrap(), eval: true };
}

function bootstrap(): string {
  const api = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const entry = new URL('./parse-worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
}

/**
 * Parses a file on a second thread and yields its sessions here, so parsing and validating one part of a large
 * file overlaps with writing the part before. Errors arrive as the same InputError the parser threw. Stopping
 * early (an error in the writer) ends the thread.
 */
export async function* parseInWorker(
  job: Omit<WorkerJob, 'credits' | 'batchUtterances'> & { onBytes?: (bytes: number) => void },
  warn?: (message: string) => void,
): AsyncGenerator<ParsedSession> {
  const { onBytes, ...workerJob } = job;
  const { source, eval: isEval } = workerSource();
  const worker = new Worker(source, {
    eval: isEval,
    workerData: { ...workerJob, credits: 4, batchUtterances: 4096 } satisfies WorkerJob,
  });
  const queue: WorkerMessage[] = [];
  let crashed: Error | undefined;
  let wake: (() => void) | undefined;
  worker.on('message', (m: WorkerMessage) => {
    // Bytes read are reported as they happen, not queued behind the sessions the writer has yet to take.
    if (m.type === 'bytes') return onBytes?.(m.bytes);
    queue.push(m);
    wake?.();
  });
  worker.on('error', (e) => {
    crashed = e;
    wake?.();
  });
  worker.on('exit', (code) => {
    crashed ??= new Error(`the transcript parser thread stopped unexpectedly (exit code ${code})`);
    wake?.();
  });
  try {
    for (;;) {
      while (queue.length === 0) {
        if (crashed) throw crashed;
        await new Promise<void>((r) => (wake = r));
      }
      const m = queue.shift()!;
      if (m.type === 'batch') {
        worker.postMessage('credit');
        for (const packed of m.sessions) yield unpackSession(packed);
      } else if (m.type === 'done') {
        return;
      } else if (m.type === 'warning') {
        warn?.(m.message);
      } else if (m.type === 'input-error') {
        throw new InputError(m.message.slice(formatLocation(m.location).length), m.location);
      } else if (m.type === 'failure') {
        throw Object.assign(new Error(`transcript parser failed: ${m.message}`), { stack: m.stack });
      }
    }
  } finally {
    worker.removeAllListeners();
    // A failure racing the shutdown has nowhere to go; without a listener it would crash the process.
    worker.on('error', () => undefined);
    await worker.terminate();
  }
}
