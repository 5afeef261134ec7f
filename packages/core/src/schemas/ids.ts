import { z } from 'zod';
import { isCalendarDate } from '../util/time';

/**
 * Client and therapist ids are pseudonyms: short codes, never names. The pattern rules out spaces and
 * punctuation that names and e-mail addresses carry, so a pasted "Jane Doe" or "jane@x.org" is refused.
 */
export const PseudonymId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'a pseudonymous id: letters, digits, ".", "_" or "-", no spaces, at most 64 characters',
  );
export type PseudonymId = z.infer<typeof PseudonymId>;

/** ISO calendar date (YYYY-MM-DD). */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine(isCalendarDate, 'a real calendar date');

export const SessionIndex = z.number().int().positive();
