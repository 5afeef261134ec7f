// Child process of collect.bench.ts: serves a study folder on a loopback port and prints {"url"} on stdout.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { openStudy } from '@alliance-lab/core';
import { createApp } from '@alliance-lab/server';

const study = await openStudy(process.argv[2]!, { actor: 'bench' });
const app = createApp(study, { onError: (m) => process.stderr.write(`${m}\n`) });
const server = createAdaptorServer({ fetch: app.fetch, hostname: '127.0.0.1' }) as Server;
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void study.close().then(() => process.exit(0));
});
