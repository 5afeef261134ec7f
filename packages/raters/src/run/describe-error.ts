import type { ProviderError } from '../providers/provider-error';

/**
 * An error for the log: the ProviderError's message, which error-scrub.ts built from status, error type and code
 * and request id only, so no provider text (which may echo the transcript) reaches a log or a message.
 */
export function describeError(err: ProviderError): string {
  return err.message;
}
