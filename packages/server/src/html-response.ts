import type { Context } from 'hono';
import type { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { completeResponse } from './security-headers';

type Html = ReturnType<typeof html>;

/**
 * A page as a response with its headers complete (see completeResponse). hono's c.html hands the node adapter
 * its HtmlEscapedString, a String object, for which the adapter builds a full web Response and streams the body
 * out; a primitive string is written at once. A page with asynchronous parts goes to c.html as it is.
 */
export function htmlResponse(c: Context, page: Html, status: ContentfulStatusCode = 200): Response | Promise<Response> {
  if (page instanceof Promise || page.callbacks?.length) return c.html(page, status);
  return completeResponse(page.toString(), status, 'text/html; charset=UTF-8');
}
