import type { MiddlewareHandler } from 'hono';

/**
 * The headers every response carries: what hono's secureHeaders middleware sets with the app's options (the
 * test beside this file holds the two equal), and no-store, so scores of identifiable sessions stay out of
 * shared browser and proxy caches. Only the forms' own autosave script runs, nothing loads from elsewhere, the
 * charts are inline SVG; no HSTS header, since the server speaks plain HTTP on this machine and the header would
 * only confuse other local servers.
 */
export const RESPONSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Frame-Options': 'SAMEORIGIN',
  'X-Permitted-Cross-Domain-Policies': 'none',
  'X-XSS-Protection': '0',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
});

const ENTRIES = Object.entries(RESPONSE_HEADERS);

/** Responses built with their headers complete, which the middleware leaves as they are. */
const complete = new WeakSet<Response>();

/**
 * A response with the headers given as one plain object. Under @hono/node-server a string body with plain
 * headers goes straight to Node's writeHead; setting headers one by one on a finished response goes through a
 * web Headers object, which the load benchmark showed costing a form submission as much as its SQL.
 */
export function completeResponse(body: string, status: number, contentType: string): Response {
  const res = new Response(body, { status, headers: { ...RESPONSE_HEADERS, 'Content-Type': contentType } });
  complete.add(res);
  return res;
}

/** Gives every other response the same headers, overwriting any a handler set (Cache-Control included). */
export function responseHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (complete.has(c.res)) return;
    const headers = c.res.headers;
    for (const [name, value] of ENTRIES) headers.set(name, value);
    headers.delete('X-Powered-By');
  };
}
