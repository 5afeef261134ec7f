import type { Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startCheckpointer, type Study } from '@alliance-lab/core';
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from './app';
import { loopbackNames, isLoopback } from './host-check';

export interface StudyServerOptions {
  /** The address it will listen on; on loopback, requests must also be addressed to a loopback name. */
  host: string;
  /** The public URL links are printed with; its host name is accepted too. */
  baseUrl?: string;
  onError: (message: string) => void;
}

/**
 * The HTTP server `alliance serve` runs: the app over the study behind @hono/node-server. The collection
 * benchmark starts this same server, so its figures are the figures of what users run. On SQLite, WAL
 * checkpoints run on a worker thread while it serves (see checkpointer.ts), not inside a request's commit; from
 * when it listens until it closes.
 */
export function createStudyServer(study: Study, opts: StudyServerOptions): Server {
  const app = createApp(study, {
    ...(isLoopback(opts.host)
      ? { allowedHosts: [...loopbackNames(opts.host), ...(opts.baseUrl ? [new URL(opts.baseUrl).hostname] : [])] }
      : {}),
    ...(opts.baseUrl ? { baseUrl: opts.baseUrl.replace(/\/$/, '') } : {}),
    onError: opts.onError,
  });
  const server = createAdaptorServer({ fetch: app.fetch, hostname: opts.host }) as Server;
  settleHeapForServing();
  const sqlite = study.sqlite;
  if (sqlite)
    server.once('listening', () => {
      const checkpointer = startCheckpointer(sqlite, {
        onError: (err) => opts.onError(`checkpoints: ${err.message}; SQLite checkpoints inside commits again`),
      });
      server.once('close', () => void checkpointer.stop());
    });
  return server;
}

/**
 * Two settings of V8's collector for serving, both measured with the load benchmark on its 2-core machine.
 *
 * Scavenges on the main thread alone. A parallel scavenge hands its work to helper threads and waits for them;
 * on a machine whose cores are busy (the load itself, other processes) they are not always scheduled, and the
 * pauses ran to 17–40 ms where a serving process's scavenges, with a few hundred requests' worth of live young
 * objects, take 2–7 ms on one thread. Marking the old generation stays concurrent.
 *
 * One full collection before serving. Starting up (the modules, the instrument registry, the study's reads)
 * leaves the young generation full of objects that survive it; left alone, the first scavenge under load copied
 * them all, a pause of 10–40 ms that every request in flight waited out. Collected here, they are in the old
 * generation before the first request. V8 has no API for it but gc(), which node exposes only under
 * --expose-gc; the flag can be set at run time and gc() taken from a fresh context (the process's own global
 * does not get it).
 */
function settleHeapForServing(): void {
  setFlagsFromString('--no-parallel-scavenge');
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
