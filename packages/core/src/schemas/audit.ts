import { z } from 'zod';

export const AuditAction = z.enum(['insert', 'update', 'delete']);

/** One append-only audit row: who changed what, when, with the value before and after. */
export const AuditEntry = z.object({
  at: z.string(),
  actor: z.string(),
  entity: z.enum([
    'response',
    'rating',
    'transcript',
    'utterance-codes',
    'validation_run',
    'staff',
    'session',
    'client',
    'therapist',
  ]),
  entityId: z.string(),
  action: AuditAction,
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
