import { z } from 'zod';

/**
 * What a rater returns for one transcript: item ratings per requested form, the five-domain signals, and
 * rupture episodes. This schema is also the structured-output schema sent to models, so it keeps to what
 * strict JSON-schema modes accept: every field required, no records (arrays of objects instead), nullable
 * rather than optional.
 */

export const DOMAINS = {
  'therapeutic-foundation': [
    'emotional-regulation',
    'boundaries',
    'cultural-responsiveness',
    'psychoeducation',
    'language-style',
  ],
  'session-flow': ['structure', 'pacing', 'expectations', 'transitions', 'closure'],
  'relationship-quality': [
    'empathy',
    'attunement',
    'trust',
    'sensitive-topics',
    'repairing-misalignment',
    'family-collaboration',
  ],
  'process-in-action': ['adaptability', 'resistance', 'engagement', 'attachment'],
  'collaboration-goals': ['goal-agreement', 'task-alignment', 'autonomy', 'progress-check-ins', 'acknowledging-effort'],
} as const;

export type DomainId = keyof typeof DOMAINS;
export const DomainId = z.enum(Object.keys(DOMAINS) as [DomainId, ...DomainId[]]);
export const SubSignalId = z.enum(Object.values(DOMAINS).flat() as [string, ...string[]]);

export const ItemRating = z.object({
  item: z.string().describe('item id exactly as listed in the form'),
  value: z.number().describe("a value on the form's scale"),
  rationale: z.string().describe('one or two sentences on what in the transcript supports the value'),
  evidence: z
    .array(z.string())
    .describe('ids of the utterances the value rests on; empty only when rating "no evidence"'),
});
export type ItemRating = z.infer<typeof ItemRating>;

export const FormRating = z.object({
  instrument: z.string(),
  form: z.string(),
  items: z.array(ItemRating),
});
export type FormRating = z.infer<typeof FormRating>;

export const Direction = z.enum(['strength', 'concern', 'neutral']);

export const Signal = z.object({
  domain: DomainId,
  subSignal: SubSignalId,
  direction: Direction,
  strength: z.number().min(0).max(1),
  evidence: z.array(z.string()).min(1).describe('ids of the utterances the signal rests on'),
  quote: z.string().min(1).describe('a verbatim quote that occurs in the cited utterances'),
});
export type Signal = z.infer<typeof Signal>;

export const RuptureMarker = z.enum(['withdrawal', 'confrontation']);

export const Rupture = z.object({
  marker: RuptureMarker,
  /** The 3RS marker subtype, e.g. "minimal response", "complaint about the therapist". */
  markerType: z.string(),
  startUtterance: z.string(),
  endUtterance: z.string(),
  resolution: z
    .object({
      strategy: z.string().describe('e.g. "metacommunication", "acknowledging own contribution", "changing task"'),
      utterance: z.string(),
    })
    .nullable(),
  resolved: z.boolean(),
});
export type Rupture = z.infer<typeof Rupture>;

export const RaterOutput = z.object({
  forms: z.array(FormRating),
  signals: z.array(Signal),
  ruptures: z.array(Rupture),
});
export type RaterOutput = z.infer<typeof RaterOutput>;
