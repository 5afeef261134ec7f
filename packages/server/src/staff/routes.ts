import { endStaffSession, signIn, startStaffSession, type Study } from '@alliance-lab/core';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { layout } from '../pages/layout';
import { RequestError } from '../request-error';
import {
  type AuthOptions,
  clearSessionCookie,
  clientAddress,
  LOGIN_COOKIE,
  loginCsrf,
  requireStaff,
  type StaffEnv,
  sameSecret,
  setSessionCookie,
} from './auth';
import { RateLimit } from './rate-limit';

/** Sign-in attempts one address may make in ten minutes, whatever the accounts it tries. */
const LOGIN_ATTEMPTS = 20;

export function staffRoutes(study: Study, opts: AuthOptions): Hono<StaffEnv> {
  const app = new Hono<StaffEnv>();
  const attempts = new RateLimit(LOGIN_ATTEMPTS, 10 * 60_000);

  const page = (c: Parameters<typeof loginCsrf>[0], message?: string, status: 200 | 401 | 429 = 200) =>
    c.html(
      layout({
        title: 'Sign in',
        study: study.config.name,
        body: html`<h1>Staff sign-in</h1>
${message ? html`<p role="alert" class="error">${message}</p>` : ''}
<form method="post" action="/login">
<input type="hidden" name="_csrf" value="${loginCsrf(c, opts)}">
<input type="hidden" name="next" value="${safeNext(c.req.query('next'))}">
<label for="name">Name</label><input id="name" name="name" autocomplete="username" required maxlength="64">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256">
<p><button type="submit">Sign in</button></p>
</form>`,
      }),
      status,
    );

  app.get('/login', (c) => page(c));

  app.post('/login', async (c) => {
    const body = await c.req.parseBody();
    if (!sameSecret(str(body._csrf), getCookie(c, LOGIN_COOKIE)))
      throw new RequestError(403, 'the sign-in form is out of date; reload the page and try again');
    const ip = clientAddress(c);
    if (attempts.blocked(ip)) return page(c, 'Too many sign-in attempts from here; wait ten minutes.', 429);
    attempts.hit(ip);
    const name = str(body.name) ?? '';
    const password = str(body.password) ?? '';
    if (name.length > 64 || password.length > 256) return page(c, 'Wrong name or password.', 401);
    const r = await signIn(study.db, name, password);
    if (!r.ok)
      return page(
        c,
        r.reason === 'locked'
          ? 'This account is locked for a while after repeated failed sign-ins.'
          : 'Wrong name or password.',
        401,
      );
    setSessionCookie(c, await startStaffSession(study.db, r.staff.id), opts);
    return c.redirect(safeNext(str(body.next)), 303);
  });

  app.post('/logout', requireStaff('read'), async (c) => {
    await endStaffSession(study.db, c.get('sessionToken')!);
    clearSessionCookie(c, opts);
    return c.redirect('/login', 303);
  });
  return app;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Only a path on this server: an open redirect would turn the sign-in page into a phishing aid. */
function safeNext(next: string | undefined): string {
  return next && /^\/(?!\/)[A-Za-z0-9/._-]*$/.test(next) ? next : '/grid';
}
