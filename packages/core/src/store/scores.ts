import { type Kysely, sql } from 'kysely';
import { type Score, ScoreFilter, ScoreRow, ScoreSource } from '../schemas/score';
import type { Database } from './database';
import { insertScores, type ScoreInsert } from './score-scales';

/** What a score row belongs to: a stored response or a stored rating. */
export interface ScoreOwner {
  kind: 'response' | 'rating';
  id: string;
}

/**
 * The one writer of score rows (the table keeps the flags as 0/1 integers, portable between SQLite and
 * PostgreSQL): replaces every score of the owner, inside the caller's transaction.
 */
export async function replaceScores(db: Kysely<Database>, owner: ScoreOwner, scores: readonly Score[]): Promise<void> {
  await db.deleteFrom('scores').where('source', '=', owner.kind).where('source_id', '=', owner.id).execute();
  if (scores.length === 0) return;
  await insertScores(db, scoreRows(owner, scores));
}

/** The table's rows for an owner's scores (the one place the flags become 0/1). */
export function scoreRows(owner: ScoreOwner, scores: readonly Score[]): ScoreInsert[] {
  return scores.map((s) => ({
    source: owner.kind,
    source_id: owner.id,
    instrument: s.instrument,
    form: s.form,
    scale: s.scale,
    score: s.score,
    pomp: s.pomp,
    prorated: s.prorated ? 1 : 0,
    missing: s.missing ? 1 : 0,
  }));
}

/** The stored scores of one response or rating, in scale order. */
export async function scoresOf(db: Kysely<Database>, owner: ScoreOwner): Promise<Score[]> {
  const rows = await db
    .selectFrom('scores')
    .select(['instrument', 'form', 'scale', 'score', 'pomp', 'prorated', 'missing'])
    .where('source', '=', owner.kind)
    .where('source_id', '=', owner.id)
    .orderBy('instrument')
    .orderBy('form')
    .orderBy('scale')
    .execute();
  return rows.map((r) => ({ ...r, prorated: r.prorated === 1, missing: r.missing === 1 }));
}

/** Whether the stored scores of an owner are exactly these (so an unchanged response is not rewritten). */
export async function scoresEqual(db: Kysely<Database>, owner: ScoreOwner, scores: readonly Score[]): Promise<boolean> {
  const stored = await scoresOf(db, owner);
  if (stored.length !== scores.length) return false;
  const byScale = new Map(stored.map((s) => [`${s.instrument}\u0000${s.form}\u0000${s.scale}`, s]));
  return scores.every((s) => {
    const t = byScale.get(`${s.instrument}\u0000${s.form}\u0000${s.scale}`);
    return (
      t !== undefined &&
      t.score === s.score &&
      t.pomp === s.pomp &&
      t.prorated === s.prorated &&
      t.missing === s.missing
    );
  });
}

/** Respondents who report on themselves; every other respondent of a stored response is a coder. */
export const SELF_REPORTERS = ['client', 'therapist'];

/**
 * Every score a filter keeps, one row per scale score, sorted by client, session, source, rater, replicate,
 * instrument, form and scale. Scores of questionnaires (self-report when the respondent is the client or the
 * therapist, a coder's otherwise) and of ok ratings of current transcript versions; ratings of superseded
 * versions, and failed ones, stay in the store for the record but are not scores of the study. Every part of the
 * filter is applied in SQL, so a page that shows one client reads one client's rows.
 */
export async function queryScores(db: Kysely<Database>, filter: ScoreFilter = {}): Promise<ScoreRow[]> {
  const f = ScoreFilter.parse(filter);
  const rows = await scoreQuery(db, f)
    .select([
      's.id as session_id',
      's.client_id as client',
      's.therapist_id as therapist',
      's.session_index as session',
      's.date as date',
      'o.source',
      'o.rater',
      'o.replicate',
      'sc.instrument',
      'sc.form',
      'sc.scale',
      'sc.score',
      'sc.pomp',
      'sc.prorated',
      'sc.missing',
    ])
    .execute();
  const out = rows.map((r) =>
    ScoreRow.parse({
      ...r,
      replicate: Number(r.replicate),
      prorated: Boolean(r.prorated),
      missing: Boolean(r.missing),
    }),
  );
  // Sorted here rather than in SQL: PostgreSQL and SQLite collate text differently, and the export's order must
  // not depend on the store.
  out.sort(
    (a, b) =>
      cmp(a.client, b.client) ||
      a.session - b.session ||
      cmp(a.source, b.source) ||
      cmp(a.rater, b.rater) ||
      a.replicate - b.replicate ||
      cmp(a.instrument, b.instrument) ||
      cmp(a.form, b.form) ||
      cmp(a.scale, b.scale),
  );
  return out;
}

/** The values the score filters can take in a study (what exists under the rest of the filter), each sorted. */
export interface ScoreValues {
  clients: string[];
  therapists: string[];
  sources: ScoreSource[];
  raters: string[];
  instruments: string[];
  forms: string[];
  scales: string[];
}

/**
 * The distinct values of each filterable column among the rows a filter keeps, so a filter that matches nothing
 * can be refused with the values that would have matched (give it the filter without the part being checked).
 */
export async function scoreValues(db: Kysely<Database>, filter: ScoreFilter = {}): Promise<ScoreValues> {
  const rows = await scoreQuery(db, ScoreFilter.parse(filter))
    .select([
      's.client_id as client',
      's.therapist_id as therapist',
      'o.source',
      'o.rater',
      'sc.instrument',
      'sc.form',
      'sc.scale',
    ])
    .distinct()
    .execute();
  const set = <K extends keyof (typeof rows)[number]>(k: K) => [...new Set(rows.map((r) => String(r[k])))].sort(cmp);
  return {
    clients: set('client'),
    therapists: set('therapist'),
    sources: set('source') as ScoreSource[],
    raters: set('rater'),
    instruments: set('instrument'),
    forms: set('form'),
    scales: set('scale'),
  };
}

function scoreQuery(db: Kysely<Database>, f: ScoreFilter) {
  // What a score can belong to, in one shape: a stored response (its respondent rates) or an automated rating.
  // The constants are SQL literals, not parameters, so PostgreSQL can type the union's columns.
  const origins = db
    .selectFrom('responses')
    .select((eb) => [
      'id',
      'session_id',
      'respondent as rater',
      sql<number>`0`.as('replicate'),
      sql<string>`'response'`.as('kind'),
      eb
        .case()
        .when('respondent', 'in', SELF_REPORTERS)
        .then(sql<ScoreSource>`'self-report'`)
        .else(sql<ScoreSource>`'coder'`)
        .end()
        .as('source'),
    ])
    .unionAll(
      db
        .selectFrom('ratings as g')
        .innerJoin('transcripts as t', 't.id', 'g.transcript_id')
        .where('t.is_current', '=', 1)
        .where('g.status', '=', 'ok')
        .select([
          'g.id',
          'g.session_id',
          'g.rater',
          'g.replicate',
          sql<string>`'rating'`.as('kind'),
          sql<ScoreSource>`'rater'`.as('source'),
        ]),
    );
  let q = db
    .selectFrom('scores as sc')
    .innerJoin(origins.as('o'), (j) => j.onRef('o.id', '=', 'sc.source_id').onRef('o.kind', '=', 'sc.source'))
    .innerJoin('sessions as s', 's.id', 'o.session_id');
  if (f.clients?.length) q = q.where('s.client_id', 'in', f.clients);
  if (f.therapists?.length) q = q.where('s.therapist_id', 'in', f.therapists);
  if (f.sessions?.from !== undefined) q = q.where('s.session_index', '>=', f.sessions.from);
  if (f.sessions?.to !== undefined) q = q.where('s.session_index', '<=', f.sessions.to);
  if (f.sources?.length) q = q.where('o.source', 'in', f.sources);
  if (f.raters?.length) q = q.where('o.rater', 'in', f.raters);
  if (f.instrument) q = q.where('sc.instrument', '=', f.instrument);
  if (f.form) q = q.where('sc.form', '=', f.form);
  if (f.scale) q = q.where('sc.scale', '=', f.scale);
  return q;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every distinct (source, rater, instrument, form, scale) the study's scores have: what wide exports pivot to. */
export async function scoreKeys(db: Kysely<Database>): Promise<WideScoreKey[]> {
  const rows = await scoreQuery(db, {})
    .select(['o.source', 'o.rater', 'sc.instrument', 'sc.form', 'sc.scale'])
    .distinct()
    .execute();
  return rows.map((r) => ({ ...r, source: ScoreSource.parse(r.source) }));
}

export type WideScoreKey = Pick<ScoreRow, 'source' | 'rater' | 'instrument' | 'form' | 'scale'>;
