import type { Study } from '@alliance-lab/core';
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { scoresApi } from './api/scores';
import { sessionsApi } from './api/sessions';
import { statusApi } from './api/status';
import { trajectoryApi } from './api/trajectory';
import { collectionApp } from './collect';
import { redactPath } from './forms/routes';
import { hostCheck } from './host-check';
import { clientPages } from './pages/client';
import { evidencePages } from './pages/evidence';
import { layout } from './pages/layout';
import { overviewPages } from './pages/overview';
import { validationPages } from './pages/validation';
import { RequestError, type RefusalStatus } from './request-error';
import { responseHeaders } from './security-headers';
import { loadStaff, requireStaffOnceAccountsExist, type StaffEnv } from './staff/auth';

export interface AppOptions {
  /** Host names requests must be addressed to (see host-check.ts); any host when absent. */
  allowedHosts?: readonly string[];
  /** Where unexpected errors are reported (the message only: never a request's data). */
  onError?: (message: string) => void;
  /** The server's public URL, for invitation links (the request's origin when absent). */
  baseUrl?: string;
}

/**
 * The analyst view of one open study: read-only JSON under /api and server-rendered pages. Every route is a GET
 * over core's reads (counts, score export, rupture statistics); the app writes nothing.
 */
export function createApp(study: Study, opts: AppOptions = {}): Hono<StaffEnv> {
  const app = new Hono<StaffEnv>();
  if (opts.allowedHosts) app.use(hostCheck(opts.allowedHosts));
  app.use(responseHeaders());
  app.use(loadStaff(study));
  app.route('/', collectionApp(study, { ...optional('baseUrl', opts.baseUrl), ...optional('onError', opts.onError) }));
  app.use('/api/*', requireStaffOnceAccountsExist(study));
  app.use('/', requireStaffOnceAccountsExist(study));
  app.use('/clients/*', requireStaffOnceAccountsExist(study));
  app.use('/validation', requireStaffOnceAccountsExist(study));
  app.use('/validation/*', requireStaffOnceAccountsExist(study));
  app.route('/api', statusApi(study));
  app.route('/api', sessionsApi(study));
  app.route('/api', scoresApi(study));
  app.route('/api', trajectoryApi(study));
  app.route('/', overviewPages(study));
  app.route('/', clientPages(study));
  app.route('/', evidencePages(study));
  app.route('/', validationPages(study));

  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    // Every route is a GET; another method on a path that exists is a wrong method, not a missing page.
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && answersGet(app, path)) {
      c.header('Allow', 'GET, HEAD');
      return refuse(c, study, 405, `${c.req.method} is not allowed on ${path}; it answers GET`);
    }
    return refuse(c, study, 404, `nothing at ${path}`);
  });
  app.onError((err, c) => {
    if (err instanceof RequestError) return refuse(c, study, err.status, err.message);
    opts.onError?.(
      `${c.req.method} ${redactPath(new URL(c.req.url).pathname)}: ${err instanceof Error ? err.message : String(err)}`,
    );
    return refuse(c, study, 500, 'internal error; the server log has the details');
  });
  return app;
}

/**
 * Whether a GET of this path reaches a route. The router's match lists the handlers a request runs, middleware
 * included; a path a GET route serves lists more for GET than for a method no route uses.
 */
function answersGet(app: Pick<Hono, 'router'>, path: string): boolean {
  return app.router.match('GET', path)[0].length > app.router.match('NO-ROUTE', path)[0].length;
}

/** Errors in the shape of the CLI's --json errors under /api, as a page elsewhere. */
function refuse(c: Context, study: Study, status: RefusalStatus | 405 | 500, message: string) {
  const kind =
    status === 404
      ? 'not-found'
      : status === 500
        ? 'internal'
        : status === 401 || status === 403
          ? 'forbidden'
          : 'usage';
  if (new URL(c.req.url).pathname.startsWith('/api/')) return c.json({ error: { kind, message } }, status);
  const title =
    status === 404
      ? 'Not found'
      : status === 500
        ? 'Error'
        : status === 400
          ? 'Bad request'
          : status === 405
            ? 'Method not allowed'
            : 'Refused';
  return c.html(
    layout({
      title,
      study: study.config.name,
      body: html`<h1>${title}</h1><p>${message}</p><p><a href="/">Back to the overview</a></p>`,
    }),
    status,
  );
}

function optional<K extends string, V>(key: K, value: V | undefined): { [k in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [k in K]: V });
}
