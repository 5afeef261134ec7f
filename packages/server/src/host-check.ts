import type { MiddlewareHandler } from 'hono';

/**
 * Answers only requests addressed to one of the given host names. A server on 127.0.0.1 is out of the network's
 * reach, but not out of a web page's: a page that points its own domain at 127.0.0.1 (DNS rebinding) could make
 * the browser fetch the study's scores and read them. Such a request still names that domain in its Host header,
 * so refusing unknown names closes the hole.
 */
export function hostCheck(allowed: readonly string[]): MiddlewareHandler {
  const names = new Set(allowed.map((h) => h.toLowerCase()));
  return async (c, next) => {
    // @hono/node-server builds the request URL from the Host header; URL parsing normalises case and brackets.
    const host = new URL(c.req.url).hostname.toLowerCase();
    if (!names.has(host)) return c.text(`this server answers requests for ${[...names].join(', ')} only`, 403);
    await next();
  };
}

/** The names a loopback address answers to, in the spelling URL.hostname gives them. */
export function loopbackNames(host: string): string[] {
  const own = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return [...new Set(['localhost', '127.0.0.1', '[::1]', own.toLowerCase()])];
}

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}
