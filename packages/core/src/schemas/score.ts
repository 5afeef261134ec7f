import { ScaleScore as EngineScaleScore } from '@alliance-lab/instruments';
import { z } from 'zod';

/**
 * Where a score comes from, in the one vocabulary the store, the export, the statistics and the pages share:
 * a client's or therapist's own questionnaire, a human coder's observer form, or an automated rater.
 */
export const ScoreSource = z.enum(['self-report', 'coder', 'rater']);
export type ScoreSource = z.infer<typeof ScoreSource>;

/** A scale score as the engine gives it, named by its scale; the item counts stay with the engine. */
export const ScaleScore = EngineScaleScore.pick({ score: true, pomp: true, prorated: true, missing: true }).extend({
  scale: z.string(),
});
export type ScaleScore = z.infer<typeof ScaleScore>;

/** A scale score of one instrument's form: what a response or a rating is scored to. */
export const Score = ScaleScore.extend({ instrument: z.string(), form: z.string() });
export type Score = z.infer<typeof Score>;

/**
 * One score with who was rated (client, session), by whom (source and rater), in the long shape R and Python
 * users expect; `alliance export scores`, `queryScores` and the server's pages and JSON all give these rows.
 */
export const ScoreRow = Score.extend({
  /** One id per session ("C01/3"), the unit of analysis for agreement statistics (--subject session_id). */
  session_id: z.string(),
  client: z.string(),
  therapist: z.string(),
  session: z.number().int().positive(),
  date: z.string().nullable(),
  source: ScoreSource,
  /** "client" or "therapist" for self-report, the coder's id, or the rater configuration's name. */
  rater: z.string(),
  /** 0 for questionnaires; 1, 2, … for a rater's replicates. */
  replicate: z.number().int().nonnegative(),
});
export type ScoreRow = z.infer<typeof ScoreRow>;

/** The export's column order. */
export const SCORE_COLUMNS = [
  'session_id',
  'client',
  'therapist',
  'session',
  'date',
  'source',
  'rater',
  'replicate',
  'instrument',
  'form',
  'scale',
  'score',
  'pomp',
  'prorated',
  'missing',
] as const satisfies ReadonlyArray<keyof ScoreRow>;

/**
 * What a score query keeps, each part applied in SQL. Absent parts keep everything; list parts keep any of
 * their values.
 */
export const ScoreFilter = z.object({
  clients: z.array(z.string()).optional(),
  therapists: z.array(z.string()).optional(),
  /** Session numbers from and to, both included. */
  sessions: z
    .object({ from: z.number().int().positive().optional(), to: z.number().int().positive().optional() })
    .optional(),
  sources: z.array(ScoreSource).optional(),
  /** Rater names or respondent ids ("client", "therapist", coder ids). */
  raters: z.array(z.string()).optional(),
  instrument: z.string().optional(),
  form: z.string().optional(),
  scale: z.string().optional(),
});
export type ScoreFilter = z.infer<typeof ScoreFilter>;
