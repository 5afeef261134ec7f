import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { describe, expect, it } from 'vitest';
import { completeResponse, RESPONSE_HEADERS, responseHeaders } from './security-headers';

/** The options the app gave hono's secureHeaders before its headers were written out once. */
const HONO_OPTIONS: Parameters<typeof secureHeaders>[0] = {
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    connectSrc: ["'self'"],
    styleSrc: ["'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  referrerPolicy: 'no-referrer',
  strictTransportSecurity: false,
};

function headersOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (k !== 'content-type') out[k] = v;
  });
  return out;
}

const lower = (h: Readonly<Record<string, string>>) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

describe('response headers', () => {
  it('are what hono secureHeaders sets with the same options, plus no-store', async () => {
    const hono = new Hono();
    hono.use(secureHeaders(HONO_OPTIONS));
    hono.get('/', (c) => c.text('x'));
    const expected = { ...headersOf(await hono.request('/')), 'cache-control': 'no-store' };
    expect(lower(RESPONSE_HEADERS)).toEqual(expected);
  });

  it('reach every response, override a handler’s Cache-Control, and leave a complete response as built', async () => {
    const app = new Hono();
    app.use(responseHeaders());
    app.get('/text', (c) => {
      c.header('Cache-Control', 'max-age=3600');
      c.header('X-Powered-By', 'something');
      return c.text('x');
    });
    app.get('/page', () => completeResponse('<p>x</p>', 410, 'text/html; charset=UTF-8'));
    const text = await app.request('/text');
    expect(headersOf(text)).toEqual(lower(RESPONSE_HEADERS));
    const page = await app.request('/page');
    expect(page.status).toBe(410);
    expect(page.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(headersOf(page)).toEqual(lower(RESPONSE_HEADERS));
    expect(await page.text()).toBe('<p>x</p>');
  });
});
