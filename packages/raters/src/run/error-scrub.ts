/**
 * What of a provider's failure may be shown: the HTTP status, the provider's error type and code, its request id
 * and where the request went. Never the provider's own message or body: a server may echo request text in an
 * error, and an utterance ("I want to die.") is short enough that no overlap test can tell it from an ordinary
 * message. Everything here is built from fields checked to be identifiers, so a message is safe to log whatever
 * the server sent.
 */
export interface ProviderFailure {
  /** Who answered, e.g. "openai-compatible server" or "Anthropic API". */
  api: string;
  status?: number | undefined;
  type?: unknown;
  code?: unknown;
  requestId?: unknown;
}

const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/;

/** The value if it reads as an identifier (an error type, code or request id), else undefined. */
export function safeIdentifier(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  return typeof value === 'string' && IDENTIFIER.test(value) ? value : undefined;
}

/** A URL fit for a message: scheme, host, port and path, without credentials, query or fragment. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return '(an unreadable URL)';
  }
}

/** "openai-compatible server answered 400 invalid_request_error (bad_input), request req_123" */
export function failureMessage(f: ProviderFailure): string {
  const type = safeIdentifier(f.type);
  const code = safeIdentifier(f.code);
  const id = safeIdentifier(f.requestId);
  return [
    `${f.api} answered ${f.status ?? 'with an error'}`,
    type ? ` ${type}` : '',
    code && code !== type ? ` (${code})` : '',
    id ? `, request ${id}` : '',
  ].join('');
}

/** A connection that failed: where it was going and the system's error code (ECONNREFUSED), never the key. */
export function connectionMessage(baseUrl: string, cause: unknown): string {
  let c: unknown = cause;
  // undici wraps the socket error: fetch failed → cause: connect ECONNREFUSED.
  for (let depth = 0; depth < 4 && c && typeof c === 'object'; depth++) {
    const code = safeIdentifier((c as { code?: unknown }).code);
    if (code) return `could not connect to ${displayUrl(baseUrl)} (${code})`;
    c = (c as { cause?: unknown }).cause;
  }
  return `could not connect to ${displayUrl(baseUrl)}`;
}
