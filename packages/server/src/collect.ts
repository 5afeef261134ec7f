import type { Study } from '@alliance-lab/core';
import { loadRegistry } from '@alliance-lab/instruments';
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { redactPath, formRoutes } from './forms/routes';
import { messagePage } from './forms/form-page';
import { alertRoutes } from './grid/alerts';
import { invitationRoutes } from './grid/invitations';
import { linkRoutes } from './grid/links';
import { gridRoutes } from './grid/routes';
import { layout } from './pages/layout';
import { RequestError } from './request-error';
import type { StaffEnv } from './staff/auth';
import { adminRoutes } from './staff/admin-routes';
import { staffRoutes } from './staff/routes';

export interface CollectOptions {
  /** Where links point (and, when https, that cookies are Secure). */
  baseUrl?: string;
  onError?: (message: string) => void;
}

/**
 * Questionnaire collection: staff sign-in, the completion grid, links and logs for coordinators, and the client
 * forms that links open. Each part answers its own errors, so a client never sees a staff page and vice versa.
 */
export function collectionApp(study: Study, opts: CollectOptions = {}): Hono<StaffEnv> {
  const registry = loadRegistry({ studyDir: study.dir });
  const auth = { secureCookies: opts.baseUrl?.startsWith('https:') ?? false };
  const app = new Hono<StaffEnv>();

  const forms = formRoutes(study, registry);
  forms.onError((err, c) => {
    if (err instanceof RequestError) return c.html(messagePage('Cannot use this', err.message), err.status);
    return unexpected(err, c);
  });
  const staff = new Hono<StaffEnv>();
  staff.route('/', staffRoutes(study, auth));
  const base = opts.baseUrl ? { baseUrl: opts.baseUrl } : {};
  staff.route('/', gridRoutes(study));
  staff.route('/', linkRoutes(study, registry, base));
  staff.route('/', invitationRoutes(study, base));
  staff.route('/', alertRoutes(study, registry));
  staff.route('/', adminRoutes(study));
  staff.onError((err, c) => {
    if (err instanceof RequestError)
      return c.html(
        layout({
          title: 'Refused',
          study: study.config.name,
          body: html`<h1>Refused</h1><p>${err.message}</p><p><a href="/grid">Back to the grid</a></p>`,
        }),
        err.status,
      );
    return unexpected(err, c);
  });

  function unexpected(err: Error, c: Context) {
    opts.onError?.(`${c.req.method} ${redactPath(new URL(c.req.url).pathname)}: ${err.message}`);
    return c.text('internal error; the server log has the details', 500);
  }

  app.route('/', forms);
  app.route('/', staff);
  return app;
}
