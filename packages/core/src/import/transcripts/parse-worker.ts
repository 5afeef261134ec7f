import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../../util/errors';
import { watchReads } from '../../util/text-input';
import { transcriptFormats } from './formats';
import { packSession, type PackedSession } from './session-pack';
import { SpeakerMap } from './speaker-map';
import type { WorkerJob, WorkerMessage } from './threaded-parse';

/**
 * Parser thread: runs a format's parser over one file and sends packed sessions to the importing thread, which
 * writes them. Sends are paced by credits from the writer, so a fast parser never buffers a large file in memory.
 */
const job = workerData as WorkerJob;
const port = parentPort!;
let credits = job.credits;
let wake: (() => void) | undefined;
port.on('message', () => {
  credits++;
  wake?.();
});

const send = (m: WorkerMessage) => port.postMessage(m);

async function flush(batch: PackedSession[]): Promise<void> {
  while (credits === 0) await new Promise<void>((r) => (wake = r));
  credits--;
  send({ type: 'batch', sessions: batch });
}

// The importing thread shows progress within the file from these.
watchReads(job.path, (bytes) => send({ type: 'bytes', bytes }));

try {
  const speakers = SpeakerMap.parse(job.speakers).forFile(job.label);
  const input = {
    path: job.path,
    label: job.label,
    meta: job.meta,
    speakers,
    columns: job.columns,
    ...(job.delimiter ? { delimiter: job.delimiter } : {}),
    warn: (message: string) => send({ type: 'warning', message }),
  };
  let batch: PackedSession[] = [];
  let size = 0;
  for await (const parsed of transcriptFormats[job.format].parse(input)) {
    batch.push(packSession(parsed));
    size += parsed.transcript.utterances.length;
    if (size >= job.batchUtterances) {
      await flush(batch);
      batch = [];
      size = 0;
    }
  }
  if (batch.length > 0) await flush(batch);
  send({ type: 'done' });
} catch (err) {
  if (err instanceof InputError) send({ type: 'input-error', message: err.message, location: err.location });
  else
    send({
      type: 'failure',
      message: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
}
