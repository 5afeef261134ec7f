import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Staff, type StaffRole, type Study, countStaff, staffForSession } from '@alliance-lab/core';
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { RequestError } from '../request-error';

export const SESSION_COOKIE = 'alliance_session';
export const LOGIN_COOKIE = 'alliance_login';

export type StaffEnv = { Variables: { staff?: Staff; sessionToken?: string } };

export interface AuthOptions {
  /** Marks cookies Secure: the server sits behind TLS (its base URL is https). */
  secureCookies: boolean;
}

/** The CSRF token of a sign-in session, derived from its secret: nothing more to store or to leak. */
export function csrfFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('csrf').digest('base64url');
}

export function sameSecret(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function setSessionCookie(c: Context, token: string, opts: AuthOptions): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: opts.secureCookies,
    path: '/',
    maxAge: 12 * 3600,
  });
}

export function clearSessionCookie(c: Context, opts: AuthOptions): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: opts.secureCookies });
}

/** A fresh per-visit secret for the sign-in form (double-submit: cookie and hidden field must agree). */
export function loginCsrf(c: Context, opts: AuthOptions): string {
  const token = randomBytes(24).toString('base64url');
  setCookie(c, LOGIN_COOKIE, token, { httpOnly: true, sameSite: 'Strict', secure: opts.secureCookies, path: '/login' });
  return token;
}

/** Reads the session cookie into c.var.staff; never refuses by itself. */
export function loadStaff(study: Study): MiddlewareHandler<StaffEnv> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token && token.length <= 64) {
      const staff = await staffForSession(study.db, token);
      if (staff) {
        c.set('staff', staff);
        c.set('sessionToken', token);
      }
    }
    await next();
  };
}

/** What each role may do. Analysts read; coordinators also collect; admins also manage accounts and read the audit. */
const CAN: Record<'read' | 'collect' | 'admin', readonly StaffRole[]> = {
  read: ['admin', 'coordinator', 'analyst'],
  collect: ['admin', 'coordinator'],
  admin: ['admin'],
};

/**
 * Refuses a request without a signed-in staff member allowed to do `what`; on a POST, also one whose `_csrf`
 * field is not the session's token. Pages (GET) send a visitor who is not signed in to /login.
 */
export function requireStaff(what: keyof typeof CAN): MiddlewareHandler<StaffEnv> {
  return async (c, next) => {
    const staff = c.get('staff');
    if (!staff) {
      if (c.req.method === 'GET')
        return c.redirect(`/login?next=${encodeURIComponent(new URL(c.req.url).pathname)}`, 303);
      throw new RequestError(401, 'sign in first, at /login');
    }
    if (!CAN[what].includes(staff.role))
      throw new RequestError(403, `a${staff.role === 'admin' ? 'n' : ''} ${staff.role} may not do this`);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const body = await c.req.parseBody();
      const sent = typeof body._csrf === 'string' ? body._csrf : undefined;
      if (!sameSecret(sent, csrfFor(c.get('sessionToken')!)))
        throw new RequestError(403, 'the form is missing its security token or it is out of date; reload the page');
    }
    await next();
  };
}

/**
 * The analyst pages and API were open on loopback before staff accounts existed; once a study has an account,
 * they need a signed-in staff member too.
 */
export function requireStaffOnceAccountsExist(study: Study): MiddlewareHandler<StaffEnv> {
  let known = false;
  return async (c, next) => {
    known ||= (await countStaff(study.db)) > 0;
    if (known && !c.get('staff')) {
      if (c.req.method === 'GET' && !new URL(c.req.url).pathname.startsWith('/api/'))
        return c.redirect(`/login?next=${encodeURIComponent(new URL(c.req.url).pathname)}`, 303);
      throw new RequestError(401, 'sign in first, at /login');
    }
    await next();
  };
}

/** The peer address for rate limits; app.request() in tests has none. */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'local';
  }
}
