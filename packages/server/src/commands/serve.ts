import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineCommand, integer, text, UsageError } from '@alliance-lab/core/cli';
import { z } from 'zod';
import { isLoopback } from '../host-check';

export const serveCommand = defineCommand({
  path: ['serve'],
  summary: 'a read-only analyst view of a study in the browser: overview, client trajectories, JSON and CSV API',
  description: [
    'Pages: / (counts and clients), /clients/ID (trajectory chart and table). JSON: /api/status, /api/sessions,',
    '/api/scores (?instrument, form, scale, rater, format=csv), /api/clients/ID/trajectory?scale=total.',
    'Collection: /login (staff, see `alliance users add`), /grid, /links, /invitations, /audit; clients open /f/TOKEN',
    'or type their code at /code. --base-url is the address links are printed with (e.g. https://survey.example.org).',
    'Binds to 127.0.0.1 unless --host says otherwise: a study server is for this machine, not the network.',
    'Ctrl-C stops it.',
  ].join('\n'),
  options: z.object({
    study: text('study folder', 'DIR'),
    port: integer('TCP port (0: any free port)', 'N', { min: 0, max: 65535 }).default(8080),
    host: text('address to listen on', 'ADDR').default('127.0.0.1'),
    'base-url': text('public URL that invitation links use', 'URL').optional(),
  }),
  examples: ['alliance serve --study demo-study', 'alliance serve --study demo-study --port 0'],
  async run(ctx, { study: dir, port, host, 'base-url': baseUrl }) {
    const loopback = isLoopback(host);
    if (baseUrl !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(baseUrl))
      throw new UsageError(`--base-url must be an http(s) origin such as https://survey.example.org, got "${baseUrl}"`);
    const { openStudy } = await import('@alliance-lab/core');
    const study = await openStudy(dir);
    try {
      // Loaded here, not at the top: the CLI lists this command for every command line, and vega is heavy.
      const { createStudyServer } = await import('../study-server');
      const server = createStudyServer(study, {
        host,
        ...(baseUrl ? { baseUrl } : {}),
        onError: (m) => ctx.warn(m),
      });
      const address = await listen(server, port, host);
      const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/`;
      if (!loopback)
        ctx.warn(
          `listening on ${host}: anyone who can reach this address can reach the study; this server speaks plain HTTP, so put TLS (a reverse proxy such as Caddy or nginx) in front of it`,
        );
      ctx.log(`serving "${study.config.name}" at ${url} (Ctrl-C stops)`);
      server.on('error', (err) => ctx.warn(`server: ${err.message}`));
      await aborted(ctx.signal);
      await close(server);
      return { data: { url, stopped: true }, text: `stopped serving ${url}` };
    } finally {
      await study.close();
    }
  },
});

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE')
        reject(new UsageError(`port ${port} on ${host} is in use; choose another with --port (0 picks a free one)`));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EACCES')
        reject(new UsageError(`cannot listen on ${host} port ${port}: ${err.code}`));
      else reject(err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Stops listening and drops open connections: a browser's idle keep-alive would otherwise hold the process. */
function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
