export type RefusalStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429;

/**
 * A request the app refuses: a bad query parameter (400), something not in the study (404), a visitor without the
 * right to it (401, 403), a form used up or expired (410), a body too large or malformed (413, 415, 422), too many
 * tries (429). Routes throw it and the app's error handler answers in the route's own format (JSON under /api, a
 * page elsewhere), so no route repeats that choice.
 */
export class RequestError extends Error {
  constructor(
    readonly status: RefusalStatus,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export function notFound(message: string): RequestError {
  return new RequestError(404, message);
}
