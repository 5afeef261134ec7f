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
  collectStartupGarbage();
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
 * One full collection before serving. Starting up (the modules, the instrument registry, the study's reads)
 * leaves the young generation full of objects that survive it; left alone, the first scavenge under load copied
 * them all, a pause of 10–40 ms in the load benchmark that every request in flight waited out, where later
 * scavenges take 1–3 ms. Collected here, they are in the old generation before the first request. V8 has no
 * API for it but gc(), which node exposes only under --expose-gc; the flag can be set at run time and gc() taken
 * from a fresh context.
 */
function collectStartupGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
