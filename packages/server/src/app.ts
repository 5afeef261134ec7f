import type { Study } from '@alliance-lab/core';
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { secureHeaders } from 'hono/secure-headers';
import { scoresApi } from './api/scores';
import { sessionsApi } from './api/sessions';
import { statusApi } from './api/status';
import { trajectoryApi } from './api/trajectory';
import { hostCheck } from './host-check';
import { clientPages } from './pages/client';
import { layout } from './pages/layout';
import { overviewPages } from './pages/overview';
import { RequestError } from './request-error';

export interface AppOptions {
  /** Host names requests must be addressed to (see host-check.ts); any host when absent. */
  allowedHosts?: readonly string[];
  /** Where unexpected errors are reported (the message only: never a request's data). */
  onError?: (message: string) => void;
}

/**
 * The analyst view of one open study: read-only JSON under /api and server-rendered pages. Every route is a GET
 * over core's reads (counts, score export, rupture statistics); the app writes nothing.
 */
export function createApp(study: Study, opts: AppOptions = {}): Hono {
  const app = new Hono();
  if (opts.allowedHosts) app.use(hostCheck(opts.allowedHosts));
  app.use(
    secureHeaders({
      // No page runs a script or loads anything from elsewhere; the charts are inline SVG.
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: 'no-referrer',
      // Served over plain HTTP on this machine; an HSTS header would only confuse other local servers.
      strictTransportSecurity: false,
    }),
  );
  app.use(async (c, next) => {
    await next();
    // Scores of identifiable sessions stay out of shared browser and proxy caches.
    c.header('Cache-Control', 'no-store');
  });

  app.route('/api', statusApi(study));
  app.route('/api', sessionsApi(study));
  app.route('/api', scoresApi(study));
  app.route('/api', trajectoryApi(study));
  app.route('/', overviewPages(study));
  app.route('/', clientPages(study));

  app.notFound((c) => refuse(c, study, 404, `nothing at ${new URL(c.req.url).pathname}`));
  app.onError((err, c) => {
    if (err instanceof RequestError) return refuse(c, study, err.status, err.message);
    opts.onError?.(
      `${c.req.method} ${new URL(c.req.url).pathname}: ${err instanceof Error ? err.message : String(err)}`,
    );
    return refuse(c, study, 500, 'internal error; the server log has the details');
  });
  return app;
}

/** Errors in the shape of the CLI's --json errors under /api, as a page elsewhere. */
function refuse(c: Context, study: Study, status: 400 | 404 | 500, message: string) {
  const kind = status === 400 ? 'usage' : status === 404 ? 'not-found' : 'internal';
  if (new URL(c.req.url).pathname.startsWith('/api/')) return c.json({ error: { kind, message } }, status);
  const title = status === 400 ? 'Bad request' : status === 404 ? 'Not found' : 'Error';
  return c.html(
    layout({
      title,
      study: study.config.name,
      body: html`<h1>${title}</h1><p>${message}</p><p><a href="/">Back to the overview</a></p>`,
    }),
    status,
  );
}
