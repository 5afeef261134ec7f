import { type Kysely, sql } from 'kysely';
import type { Database } from './database';

/** The reads of the dataset export: every stored row of a kind, in a stable order, as the tables keep them. */

export async function datasetSessions(db: Kysely<Database>) {
  return db
    .selectFrom('sessions')
    .select(['id', 'client_id', 'therapist_id', 'session_index', 'date'])
    .orderBy('client_id')
    .orderBy('session_index')
    .execute();
}

/**
 * Rows a page of the export's paged reads holds. A page is read by where the last one ended (keyset pagination,
 * on an index), so a study of any size is read a few thousand rows at a time and never held whole.
 */
export const DATASET_PAGE_ROWS = 2000;

/** Every stored response in the export's order (session, instrument, form, respondent), a page at a time. */
export async function* datasetResponsePages(db: Kysely<Database>, pageRows = DATASET_PAGE_ROWS) {
  let after: [string, string, string, string] | undefined;
  for (;;) {
    const from = after;
    const page = await db
      .selectFrom('responses')
      .select(['id', 'session_id', 'instrument', 'form', 'respondent', 'items', 'submitted_at'])
      // The order is the unique key responses_one_per_respondent, whose index each page starts from.
      .$if(from !== undefined, (q) =>
        q.where(({ eb, refTuple, tuple }) =>
          eb(refTuple('session_id', 'instrument', 'form', 'respondent'), '>', tuple(...from!)),
        ),
      )
      .orderBy('session_id')
      .orderBy('instrument')
      .orderBy('form')
      .orderBy('respondent')
      .limit(pageRows)
      .execute();
    if (page.length > 0) yield page;
    if (page.length < pageRows) return;
    const last = page[page.length - 1]!;
    after = [last.session_id, last.instrument, last.form, last.respondent];
  }
}

/** Ratings per page of the ratings' read. */
export const DATASET_RATING_PAGE_ROWS = 500;

/**
 * The ids of every stored rating in the export's order (session, rater, replicate, transcript version): read once,
 * so that the four tables built from the ratings hold the same ones even while ratings are being stored.
 */
export async function datasetRatingIds(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('ratings as g')
    .innerJoin('transcripts as t', 't.id', 'g.transcript_id')
    .select('g.id')
    .orderBy('g.session_id')
    .orderBy('g.rater')
    .orderBy('g.replicate')
    .orderBy('t.version')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * The ratings `ids` names, in that order, with their transcript version and (only when asked, as it holds
 * rationales) the answer the rating cache keeps for each, a page at a time.
 */
export async function* datasetRatingPages(
  db: Kysely<Database>,
  ids: readonly string[],
  withOutput: boolean,
  pageRows = DATASET_RATING_PAGE_ROWS,
) {
  for (let i = 0; i < ids.length; i += pageRows) {
    const slice = ids.slice(i, i + pageRows);
    const at = new Map(slice.map((id, j) => [id, j]));
    // Given back in the order listed; a rating deleted since is missing from its page.
    const page = (await ratingsOf(db, withOutput, slice)).sort((a, b) => at.get(a.id)! - at.get(b.id)!);
    if (page.length > 0) yield page;
  }
}

function ratingsOf(db: Kysely<Database>, withOutput: boolean, ids: string[]) {
  return (
    db
      .selectFrom('ratings as g')
      .innerJoin('transcripts as t', 't.id', 'g.transcript_id')
      .leftJoin('rating_cache as c', 'c.key', 'g.cache_key')
      // The cached answer is large (every rationale); it is read only when asked for.
      .select(withOutput ? sql<string | null>`c.output`.as('output') : sql<string | null>`null`.as('output'))
      .select([
        'g.id',
        'g.session_id',
        'g.rater',
        'g.provider',
        'g.model',
        'g.prompt_version',
        'g.prompt_hash',
        'g.params',
        'g.replicate',
        'g.status',
        'g.forms',
        'g.signals',
        'g.ruptures',
        'g.failure',
        'g.input_tokens',
        'g.output_tokens',
        'g.cached_tokens',
        'g.cost_usd',
        'g.latency_ms',
        'g.created_at',
        't.version as transcript_version',
        't.is_current',
      ])
      .where('g.id', 'in', ids)
      .execute()
  );
}

/**
 * The audit trail in order, a page at a time, each entry with the session its entity belongs to (a response's,
 * rating's or transcript's; null for other entities), so the audit table can name the client and session.
 */
export async function* datasetAuditPages(db: Kysely<Database>, pageRows = DATASET_PAGE_ROWS) {
  let after: number | string | undefined;
  for (;;) {
    const from = after;
    const page = await db
      .selectFrom('audit as a')
      .leftJoin('responses as r', 'r.id', 'a.entity_id')
      .leftJoin('ratings as g', 'g.id', 'a.entity_id')
      .leftJoin('transcripts as t', 't.id', 'a.entity_id')
      .select(['a.id', 'a.at', 'a.actor', 'a.entity', 'a.entity_id', 'a.action', 'a.before', 'a.after'])
      .select(({ fn }) => fn.coalesce('t.session_id', 'g.session_id', 'r.session_id').as('session_id'))
      .$if(from !== undefined, (q) => q.where('a.id', '>', from as number))
      .orderBy('a.id')
      .limit(pageRows)
      .execute();
    if (page.length > 0) yield page;
    if (page.length < pageRows) return;
    after = page[page.length - 1]!.id;
  }
}

/**
 * Every coded transcript version and coder, in the export's order (session, transcript version, coder): listed
 * once, so the tables built from the codes hold the same transcripts even while `alliance code` is storing more.
 */
export async function datasetCodedTranscripts(db: Kysely<Database>) {
  return db
    .selectFrom(db.selectFrom('utterance_codes').select(['transcript_id', 'coder', 'coder_hash']).distinct().as('k'))
    .innerJoin('transcripts as t', 't.id', 'k.transcript_id')
    .select(['k.transcript_id', 'k.coder', 'k.coder_hash', 't.session_id', 't.version', 't.is_current'])
    .orderBy('t.session_id')
    .orderBy('t.version')
    .orderBy('k.coder')
    .execute();
}

/** Coded transcripts per page of the codes' read (a few hundred utterances each). */
export const DATASET_CODED_PAGE_TRANSCRIPTS = 20;

/**
 * The codes of the coded transcripts `keys` names, in that order, each with its codes in utterance order, a page
 * of transcripts at a time. A transcript whose codes were replaced since it was listed is given as it is now.
 */
export async function* datasetCodePages(
  db: Kysely<Database>,
  keys: Awaited<ReturnType<typeof datasetCodedTranscripts>>,
  pageTranscripts = DATASET_CODED_PAGE_TRANSCRIPTS,
) {
  for (let i = 0; i < keys.length; i += pageTranscripts) {
    const slice = keys.slice(i, i + pageTranscripts);
    const rows = await db
      .selectFrom('utterance_codes')
      .select(['transcript_id', 'coder', 'coder_hash', 'seq', 'uid', 'role', 'code', 'subcode', 'probability'])
      .where('transcript_id', 'in', [...new Set(slice.map((k) => k.transcript_id))])
      .orderBy('transcript_id')
      .orderBy('coder')
      .orderBy('seq')
      .execute();
    const byKey = new Map<string, typeof rows>();
    for (const r of rows) {
      const key = `${r.transcript_id}\u0000${r.coder}`;
      let list = byKey.get(key);
      if (!list) byKey.set(key, (list = []));
      list.push(r);
    }
    const page = slice
      .map((k) => ({ ...k, codes: byKey.get(`${k.transcript_id}\u0000${k.coder}`) ?? [] }))
      .filter((k) => k.codes.length > 0);
    if (page.length > 0) yield page;
  }
}
