import { z } from 'zod';

/** Which sessions a questionnaire is due after: every nth session, or a fixed list of session indexes. */
export const Schedule = z.union([
  z.object({ every: z.number().int().positive(), from: z.number().int().positive().default(1) }),
  z.object({ sessions: z.array(z.number().int().positive()).min(1) }),
]);
export type Schedule = z.infer<typeof Schedule>;

export const StudyInstrument = z.object({
  instrument: z.string().min(1),
  form: z.enum(['client', 'therapist', 'observer', 'child']),
  schedule: Schedule.default({ every: 1, from: 1 }),
});
export type StudyInstrument = z.infer<typeof StudyInstrument>;

/** A named rater configuration: everything that changes a rating is here, so it can be part of the cache key. */
export const RaterConfig = z
  .object({
    provider: z.enum(['openai', 'anthropic', 'lexicon', 'replay']),
    /** Required for openai and anthropic (there is no sensible default model to send to an API). */
    model: z.string().min(1).optional(),
    baseUrl: z.string().url().optional(),
    temperature: z.number().min(0).max(2).default(0),
    seed: z.number().int().optional(),
    promptVersion: z.string().default('v1'),
    maxTokens: z.number().int().positive().default(4096),
    /** Input budget in tokens; longer transcripts need --chunk. */
    maxInputTokens: z.number().int().positive().optional(),
    price: z
      .object({
        inputPerMillion: z.number().nonnegative().default(0),
        outputPerMillion: z.number().nonnegative().default(0),
        cachedInputPerMillion: z.number().nonnegative().default(0),
      })
      .default({ inputPerMillion: 0, outputPerMillion: 0, cachedInputPerMillion: 0 }),
    /** Observer forms this rater fills in, as "instrument:form". */
    forms: z.array(z.string().regex(/^[a-z0-9-]+:(client|therapist|observer|child)$/)).default(['wai-o-s:observer']),
    /** Provider-specific settings (for lexicon: an alternative marker file; for replay: the rater whose run to replay). */
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .superRefine((c, ctx) => {
    if ((c.provider === 'openai' || c.provider === 'anthropic') && !c.model) {
      ctx.addIssue({
        code: 'custom',
        path: ['model'],
        message: `a ${c.provider} rater needs "model" (the model name the API expects)`,
      });
    }
  })
  .transform((c) => ({ ...c, model: c.model ?? (c.provider === 'lexicon' ? 'lexicon-v1' : c.provider) }));
export type RaterConfig = z.output<typeof RaterConfig>;

export const AnalysisPlan = z.object({
  /** The client self-report every automated and coder rating is validated against. */
  criterion: z.object({ instrument: z.string(), form: z.string(), scale: z.string() }).optional(),
  /** Rupture rule: k within-client SDs, repair window w sessions. */
  ruptures: z
    .object({ k: z.number().positive().default(1), window: z.number().int().positive().default(3) })
    .default({ k: 1, window: 3 }),
  srsAlert: z
    .object({ cutoff: z.number().default(36), inequality: z.enum(['<', '<=']).default('<') })
    .default({ cutoff: 36, inequality: '<' }),
});
export type AnalysisPlan = z.infer<typeof AnalysisPlan>;

/** How invitations to questionnaires behave; times are read in the study's time zone. */
export const CollectionConfig = z.object({
  /** IANA time zone of the study's sessions, e.g. "Europe/Berlin". */
  timeZone: z
    .string()
    .default('UTC')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'not an IANA time zone (e.g. "UTC", "Europe/Berlin")'),
  /** A link works until the end of this many days after the session date. */
  expiresAfterDays: z.number().int().nonnegative().default(3),
  /** A form not done by the end of this many days after the session is overdue (until it expires). */
  overdueAfterDays: z.number().int().nonnegative().default(1),
});
export type CollectionConfig = z.infer<typeof CollectionConfig>;

export const StoreConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sqlite'), file: z.string().default('study.sqlite') }),
  /** The URL is read from the named environment variable so credentials never sit in study.json. */
  z.object({ kind: z.literal('postgres'), urlEnv: z.string().default('ALLIANCE_DATABASE_URL') }),
]);

/** study.json: the study's definition. The database sits beside it in the same folder. */
export const StudyConfig = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  store: StoreConfig.default({ kind: 'sqlite', file: 'study.sqlite' }),
  instruments: z.array(StudyInstrument).default([]),
  raters: z.record(z.string().regex(/^[A-Za-z0-9._-]+$/), RaterConfig).default({}),
  analysis: AnalysisPlan.default({ ruptures: { k: 1, window: 3 }, srsAlert: { cutoff: 36, inequality: '<' } }),
  collection: CollectionConfig.default({ timeZone: 'UTC', expiresAfterDays: 3, overdueAfterDays: 1 }),
  /** forbid: only providers on this machine or the private network; deidentified: remote calls see de-identified text only. */
  remoteProviders: z.enum(['forbid', 'deidentified', 'allow']).default('deidentified'),
  privacy: z
    .object({
      /** Names to replace before any remote call, in addition to automatic detection. */
      names: z.array(z.string().min(1)).default([]),
      /** Hosts counted as the study's private network under remoteProviders: forbid. */
      privateHosts: z.array(z.string()).default([]),
    })
    .default({ names: [], privateHosts: [] }),
});
export type StudyConfig = z.infer<typeof StudyConfig>;
export type StudyConfigInput = z.input<typeof StudyConfig>;
