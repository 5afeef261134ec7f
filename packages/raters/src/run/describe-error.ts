import type { ProviderError } from '../providers/provider-error';
import type { RatableTranscript } from '../rater';

/**
 * An error for the log. The server's own message is included only if it quotes nothing of the transcript
 * (servers sometimes echo the request back in validation errors).
 */
export function describeError(err: ProviderError, t: RatableTranscript): string {
  const detail = err.detail?.slice(0, 300);
  if (!detail) return err.message;
  return quotesTranscript(detail, t)
    ? `${err.message} (server message withheld: it quotes the transcript)`
    : `${err.message}: ${detail}`;
}

const QUOTE_WINDOW = 16;

export function quotesTranscript(text: string, t: RatableTranscript): boolean {
  const norm = (s: string) => s.replace(/\s+/g, ' ').toLowerCase();
  const hay = t.utterances.map((u) => norm(u.text)).join('\n');
  const s = norm(text);
  if (s.length < QUOTE_WINDOW) return s.trim().length >= 8 && hay.includes(s);
  for (let i = 0; i + QUOTE_WINDOW <= s.length; i++) if (hay.includes(s.slice(i, i + QUOTE_WINDOW))) return true;
  return false;
}
