/**
 * A request the app refuses: a bad query parameter (400) or something not in the study (404). Routes throw it
 * and the app's error handler answers in the route's own format (JSON under /api, a page elsewhere), so no route
 * repeats that choice.
 */
export class RequestError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export function notFound(message: string): RequestError {
  return new RequestError(404, message);
}
