import { z } from 'zod';

/** Which sessions a questionnaire is due after: every nth session, or a fixed list of session indexes. */
export const Schedule = z.union([
  z.strictObject({ every: z.number().int().positive(), from: z.number().int().positive().default(1) }),
  z.strictObject({ sessions: z.array(z.number().int().positive()).min(1) }),
]);
export type Schedule = z.infer<typeof Schedule>;

export const StudyInstrument = z.strictObject({
  instrument: z.string().min(1),
  form: z.enum(['client', 'therapist', 'observer', 'child']),
  schedule: Schedule.default({ every: 1, from: 1 }),
});
export type StudyInstrument = z.infer<typeof StudyInstrument>;

/** An observer form a rater fills in, as "instrument:form". */
export const RaterFormSpec = z.string().regex(/^[a-z0-9-]+:(client|therapist|observer|child)$/, {
  error: 'expected "instrument:form", e.g. "wai-o-s:observer"',
});

/**
 * A rater entry as core sees it: the provider's name and the observer forms it fills in (the codebook and the
 * export need those). Every other key belongs to the provider and is checked by its schema in the raters
 * package, which core cannot import; see setRaterValidator in store/study.ts.
 */
export const RaterEntry = z.looseObject({
  provider: z.string().min(1),
  forms: z.array(RaterFormSpec).min(1).default(['wai-o-s:observer']),
});
export type RaterEntry = z.output<typeof RaterEntry>;

export const AnalysisPlan = z.strictObject({
  /** The client self-report every automated and coder rating is validated against. */
  criterion: z.strictObject({ instrument: z.string(), form: z.string(), scale: z.string() }).optional(),
  /** Rupture rule: k within-client SDs, repair window w sessions. */
  ruptures: z
    .strictObject({ k: z.number().positive().default(1), window: z.number().int().positive().default(3) })
    .default({ k: 1, window: 3 }),
  srsAlert: z
    .strictObject({ cutoff: z.number().default(36), inequality: z.enum(['<', '<=']).default('<') })
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
  z.strictObject({ kind: z.literal('sqlite'), file: z.string().min(1).default('study.sqlite') }),
  /**
   * A study on PostgreSQL: `url` (postgres://user@host:port/db[?schema=NAME]) names the server but never a
   * password, which comes from PGPASSWORD or ~/.pgpass; or, the older form, `urlEnv` names the environment
   * variable holding the whole URL. Several studies share a database, each in its own schema.
   */
  z
    .strictObject({
      kind: z.literal('postgres'),
      url: z
        .string()
        .refine((u) => /^postgres(ql)?:\/\//.test(u), 'a PostgreSQL URL starts with postgres://')
        .refine(
          (u) => !URL.canParse(u) || new URL(u).password === '',
          'the URL carries a password; study.json must not: give it with PGPASSWORD or ~/.pgpass',
        )
        .optional(),
      urlEnv: z.string().min(1).optional(),
    })
    .refine((s) => !(s.url && s.urlEnv), 'give store.url or store.urlEnv, not both'),
]);

/**
 * study.json: the study's definition. The database sits beside it in the same folder. Every object is strict: a
 * mistyped key would otherwise be dropped silently and, for remoteProviders, send text out.
 */
export const StudyConfig = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  store: StoreConfig.default({ kind: 'sqlite', file: 'study.sqlite' }),
  instruments: z.array(StudyInstrument).default([]),
  raters: z.record(z.string().regex(/^[A-Za-z0-9._-]+$/), RaterEntry).default({}),
  analysis: AnalysisPlan.default({ ruptures: { k: 1, window: 3 }, srsAlert: { cutoff: 36, inequality: '<' } }),
  collection: CollectionConfig.default({ timeZone: 'UTC', expiresAfterDays: 3, overdueAfterDays: 1 }),
  /** forbid: only providers on this machine or the private network; deidentified: remote calls see de-identified text only. */
  remoteProviders: z.enum(['forbid', 'deidentified', 'allow']).default('deidentified'),
  privacy: z
    .strictObject({
      /** Names to replace before any remote call, in addition to automatic detection. */
      names: z.array(z.string().min(1)).default([]),
      /** Hosts counted as the study's private network under remoteProviders: forbid. */
      privateHosts: z.array(z.string()).default([]),
    })
    .default({ names: [], privateHosts: [] }),
});
export type StudyConfig = z.infer<typeof StudyConfig>;
export type StudyConfigInput = z.input<typeof StudyConfig>;
