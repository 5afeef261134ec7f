import { z } from 'zod';
import { IsoDate, PseudonymId, SessionIndex } from './ids';

export const SpeakerRole = z.enum(['therapist', 'client', 'other']);
export type SpeakerRole = z.infer<typeof SpeakerRole>;

/** An utterance's fields without the cross-field check, for schemas that `.pick` from it. */
export const UtteranceFields = z.object({
  id: z.string().min(1).max(64),
  role: SpeakerRole,
  speaker: z.string().max(200).optional(),
  text: z.string(),
  start: z.number().nonnegative().optional(),
  end: z.number().nonnegative().optional(),
});

/** One turn of talk. `id` is stable within a transcript version so evidence can cite it. */
export const Utterance = UtteranceFields.refine(
  (u) => u.start === undefined || u.end === undefined || u.end >= u.start,
  {
    message: 'end must not precede start',
    path: ['end'],
  },
);
export type Utterance = z.infer<typeof Utterance>;

/** The canonical transcript: one session with its metadata. JSON files and each JSONL line hold one of these. */
export const SessionTranscript = z
  .object({
    client: PseudonymId,
    therapist: PseudonymId,
    session: SessionIndex,
    date: IsoDate.optional(),
    utterances: z.array(Utterance).min(1, 'a transcript needs at least one utterance'),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.utterances.forEach((u, i) => {
      if (seen.has(u.id))
        ctx.addIssue({ code: 'custom', message: `duplicate utterance id "${u.id}"`, path: ['utterances', i, 'id'] });
      seen.add(u.id);
    });
  });
export type SessionTranscript = z.infer<typeof SessionTranscript>;
