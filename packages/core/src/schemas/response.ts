import { z } from 'zod';
import { PseudonymId, SessionIndex } from './ids';

export const Form = z.enum(['client', 'therapist', 'observer', 'child']);
export type Form = z.infer<typeof Form>;

/** Item values keyed by item id; null marks an item left unanswered. */
export const ItemValues = z.record(z.string(), z.number().nullable());
export type ItemValues = z.infer<typeof ItemValues>;

/** One completed questionnaire: a client's self-report, a therapist's form, or a human coder's observer rating. */
export const Response = z.object({
  client: PseudonymId,
  session: SessionIndex,
  instrument: z.string().min(1),
  form: Form,
  /** Who answered: "client", "therapist", or a coder's pseudonymous id for observer forms. */
  respondent: z.string().min(1),
  items: ItemValues,
  submittedAt: z.string().datetime({ offset: true }).optional(),
  source: z.string().optional(),
});
export type Response = z.infer<typeof Response>;
