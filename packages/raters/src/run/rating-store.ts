import {
  appendAudit,
  nowIso,
  type Database,
  type Score,
  type StoredRating,
  type Study,
  type Usage,
} from '@alliance-lab/core';
import type { Selectable } from 'kysely';
import type { RaterOutput } from '../result-schema';

type Sqlite = NonNullable<Study['sqlite']>;
type Statement = ReturnType<Sqlite['prepare']>;
type RatingRow = Database['ratings'];
type CacheRow = Database['rating_cache'];
type ScoreRow = Database['scores'];

/** One rater call's final outcome, as the cache keeps it. */
export interface Outcome {
  status: 'ok' | 'failed';
  /** The validated answer when ok; the last answer given (parsed or raw text) when failed. */
  output: unknown;
  failure: string[] | null;
  usage: Usage;
  /** Requests it took, the repair round included. */
  requests: number;
}

/** Everything about a rating except its outcome. */
export interface RatingIdentity {
  rater: string;
  provider: string;
  model: string;
  promptVersion: string;
  promptHash: string;
  params: Record<string, unknown>;
  sessionId: string;
  transcriptId: string;
  transcriptHash: string;
  replicate: number;
  cacheKey: string;
}

export type ExistingRating = Pick<Selectable<Database['ratings']>, 'id' | 'cache_key' | 'status'>;

/** The stored rating id: readable and stable, so a re-rating replaces the same row. */
export function ratingId(rater: string, transcriptId: string, replicate: number): string {
  return `${rater}/${transcriptId}/r${replicate}`;
}

/** This rater's stored ratings, by transcript and replicate, read once at the start of a run. */
export async function existingRatings(study: Study, rater: string): Promise<Map<string, ExistingRating>> {
  const rows = await study.db
    .selectFrom('ratings')
    .select(['id', 'transcript_id', 'replicate', 'cache_key', 'status'])
    .where('rater', '=', rater)
    .execute();
  return new Map(
    rows.map((r) => [`${r.transcript_id}\u0000${r.replicate}`, { id: r.id, cache_key: r.cache_key, status: r.status }]),
  );
}

export function existingKey(transcriptId: string, replicate: number): string {
  return `${transcriptId}\u0000${replicate}`;
}

export async function cachedOutcome(study: Study, key: string): Promise<Outcome | undefined> {
  const row: Selectable<CacheRow> | undefined =
    study.sqlite && !study.sqlite.inTransaction
      ? (cacheLookup(study.sqlite).get(key) as CacheRow | undefined)
      : await study.db.selectFrom('rating_cache').selectAll().where('key', '=', key).executeTakeFirst();
  if (!row) return undefined;
  return {
    status: row.status === 'ok' ? 'ok' : 'failed',
    output: JSON.parse(row.output),
    failure: row.failure === null ? null : (JSON.parse(row.failure) as string[]),
    usage: {
      inputTokens: row.input_tokens,
      outputTokens: row.output_tokens,
      cachedTokens: row.cached_tokens,
      costUsd: row.cost_usd,
      latencyMs: row.latency_ms,
    },
    requests: row.requests,
  };
}

const lookups = new WeakMap<Sqlite, Statement>();
function cacheLookup(sqlite: Sqlite): Statement {
  let st = lookups.get(sqlite);
  if (!st) lookups.set(sqlite, (st = sqlite.prepare('select * from rating_cache where key = ?')));
  return st;
}

/** Everything one rating writes, built once and written by whichever path suits the store. */
interface RatingWrite {
  row: RatingRow;
  cache: CacheRow | null;
  scores: ScoreRow[];
}

/**
 * Writes one rating in one transaction: the cache entry (unless it came from the cache), the rating row (new, or
 * replacing this rater's earlier rating of the same transcript and replicate), its scores, and an audit row. The
 * audit row carries the values and counts, not the quotes: transcript text stays out of the audit table.
 */
export async function storeRating(
  study: Study,
  id: RatingIdentity,
  outcome: Outcome,
  opts: { fromCache: boolean; score: (forms: StoredRating['forms'], ratingId: string) => Score[] },
): Promise<void> {
  const w = ratingWrite(id, outcome, opts);
  // On SQLite the write skips kysely: compiling and preparing seven statements per rating cost more than the
  // writes themselves (the bench's zero-latency figure). The raw handle is kysely's own connection; while a
  // kysely transaction holds it (between its awaits), writing through it would join that transaction, so then
  // the rating waits its turn through kysely instead.
  if (study.sqlite && !study.sqlite.inTransaction) writeSqlite(study.sqlite, study.actor, w);
  else await writeKysely(study.db, study.actor, w);
}

function ratingWrite(
  id: RatingIdentity,
  outcome: Outcome,
  opts: { fromCache: boolean; score: (forms: StoredRating['forms'], ratingId: string) => Score[] },
): RatingWrite {
  const rid = ratingId(id.rater, id.transcriptId, id.replicate);
  const now = nowIso();
  const output = outcome.status === 'ok' ? (outcome.output as RaterOutput) : null;
  const forms: StoredRating['forms'] = output
    ? output.forms.map((f) => ({
        instrument: f.instrument,
        form: f.form as StoredRating['forms'][number]['form'],
        items: Object.fromEntries(f.items.map((i) => [i.item, i.value])),
      }))
    : [];
  const scores = output ? opts.score(forms, rid) : [];
  const row: RatingRow = {
    id: rid,
    session_id: id.sessionId,
    transcript_id: id.transcriptId,
    rater: id.rater,
    provider: id.provider,
    model: id.model,
    prompt_version: id.promptVersion,
    prompt_hash: id.promptHash,
    params: JSON.stringify(id.params),
    replicate: id.replicate,
    status: outcome.status,
    forms: JSON.stringify(forms),
    signals: JSON.stringify(output?.signals ?? []),
    ruptures: JSON.stringify(output?.ruptures ?? []),
    failure: outcome.failure ? JSON.stringify(outcome.failure) : null,
    input_tokens: outcome.usage.inputTokens,
    output_tokens: outcome.usage.outputTokens,
    cached_tokens: outcome.usage.cachedTokens,
    cost_usd: outcome.usage.costUsd,
    latency_ms: outcome.usage.latencyMs,
    cache_key: id.cacheKey,
    created_at: now,
  };
  const cache: CacheRow | null = opts.fromCache
    ? null
    : {
        key: id.cacheKey,
        provider: id.provider,
        model: id.model,
        prompt_version: id.promptVersion,
        prompt_hash: id.promptHash,
        transcript_hash: id.transcriptHash,
        replicate: id.replicate,
        status: outcome.status,
        output: JSON.stringify(outcome.output ?? null),
        failure: outcome.failure ? JSON.stringify(outcome.failure) : null,
        input_tokens: outcome.usage.inputTokens,
        output_tokens: outcome.usage.outputTokens,
        cached_tokens: outcome.usage.cachedTokens,
        cost_usd: outcome.usage.costUsd,
        latency_ms: outcome.usage.latencyMs,
        requests: outcome.requests,
        created_at: now,
      };
  return {
    row,
    cache,
    scores: scores.map((s) => ({
      source: 'rating',
      source_id: rid,
      instrument: s.instrument,
      form: s.form,
      scale: s.scale,
      score: s.score,
      pomp: s.pomp,
      prorated: s.prorated ? 1 : 0,
      missing: s.missing ? 1 : 0,
    })),
  };
}

async function writeKysely(db: Study['db'], actor: string, w: RatingWrite): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // --no-cache re-asks and replaces the stored answer for the same key.
    if (w.cache)
      await trx
        .insertInto('rating_cache')
        .values(w.cache)
        .onConflict((oc) => oc.column('key').doUpdateSet(w.cache!))
        .execute();
    const before = await trx.selectFrom('ratings').selectAll().where('id', '=', w.row.id).executeTakeFirst();
    if (before) {
      await trx.deleteFrom('scores').where('source', '=', 'rating').where('source_id', '=', w.row.id).execute();
      await trx.updateTable('ratings').set(w.row).where('id', '=', w.row.id).execute();
    } else {
      await trx.insertInto('ratings').values(w.row).execute();
    }
    if (w.scores.length) await trx.insertInto('scores').values(w.scores).execute();
    await appendAudit(trx, {
      actor,
      entity: 'rating',
      entityId: w.row.id,
      action: before ? 'update' : 'insert',
      before: before ? auditView(before) : null,
      after: auditView(w.row),
      at: w.row.created_at,
    });
  });
}

const RATING_COLUMNS = Object.keys({
  id: 0,
  session_id: 0,
  transcript_id: 0,
  rater: 0,
  provider: 0,
  model: 0,
  prompt_version: 0,
  prompt_hash: 0,
  params: 0,
  replicate: 0,
  status: 0,
  forms: 0,
  signals: 0,
  ruptures: 0,
  failure: 0,
  input_tokens: 0,
  output_tokens: 0,
  cached_tokens: 0,
  cost_usd: 0,
  latency_ms: 0,
  cache_key: 0,
  created_at: 0,
} satisfies Record<keyof RatingRow, 0>) as Array<keyof RatingRow>;
const CACHE_COLUMNS = Object.keys({
  key: 0,
  provider: 0,
  model: 0,
  prompt_version: 0,
  prompt_hash: 0,
  transcript_hash: 0,
  replicate: 0,
  status: 0,
  output: 0,
  failure: 0,
  input_tokens: 0,
  output_tokens: 0,
  cached_tokens: 0,
  cost_usd: 0,
  latency_ms: 0,
  requests: 0,
  created_at: 0,
} satisfies Record<keyof CacheRow, 0>) as Array<keyof CacheRow>;
const SCORE_COLUMNS = [
  'source',
  'source_id',
  'instrument',
  'form',
  'scale',
  'score',
  'pomp',
  'prorated',
  'missing',
] as const satisfies ReadonlyArray<keyof ScoreRow>;

interface Statements {
  putCache: Statement;
  before: Statement;
  dropScores: Statement;
  update: Statement;
  insert: Statement;
  score: Statement;
  audit: Statement;
  write: (actor: string, w: RatingWrite) => void;
}

const prepared = new WeakMap<Sqlite, Statements>();

function writeSqlite(sqlite: Sqlite, actor: string, w: RatingWrite): void {
  let st = prepared.get(sqlite);
  if (!st) prepared.set(sqlite, (st = prepare(sqlite)));
  st.write(actor, w);
}

function prepare(sqlite: Sqlite): Statements {
  const marks = (n: number) => Array(n).fill('?').join(', ');
  const st = {
    putCache: sqlite.prepare(
      `insert into rating_cache (${CACHE_COLUMNS.join(', ')}) values (${marks(CACHE_COLUMNS.length)}) ` +
        `on conflict (key) do update set ${CACHE_COLUMNS.filter((c) => c !== 'key')
          .map((c) => `${String(c)} = excluded.${String(c)}`)
          .join(', ')}`,
    ),
    before: sqlite.prepare('select * from ratings where id = ?'),
    dropScores: sqlite.prepare("delete from scores where source = 'rating' and source_id = ?"),
    update: sqlite.prepare(
      `update ratings set ${RATING_COLUMNS.filter((c) => c !== 'id')
        .map((c) => `${String(c)} = ?`)
        .join(', ')} where id = ?`,
    ),
    insert: sqlite.prepare(
      `insert into ratings (${RATING_COLUMNS.join(', ')}) values (${marks(RATING_COLUMNS.length)})`,
    ),
    score: sqlite.prepare(`insert into scores (${SCORE_COLUMNS.join(', ')}) values (${marks(SCORE_COLUMNS.length)})`),
    // The columns appendAudit (core/store/audit.ts) writes, for the same row shape through the raw handle.
    audit: sqlite.prepare(
      'insert into audit (at, actor, entity, entity_id, action, before, after) values (?, ?, ?, ?, ?, ?, ?)',
    ),
  };
  const write = sqlite.transaction((actor: string, w: RatingWrite) => {
    if (w.cache) st.putCache.run(CACHE_COLUMNS.map((c) => w.cache![c]));
    const before = st.before.get(w.row.id) as RatingRow | undefined;
    if (before) {
      st.dropScores.run(w.row.id);
      st.update.run([...RATING_COLUMNS.filter((c) => c !== 'id').map((c) => w.row[c]), w.row.id]);
    } else {
      st.insert.run(RATING_COLUMNS.map((c) => w.row[c]));
    }
    for (const s of w.scores) st.score.run(SCORE_COLUMNS.map((c) => s[c]));
    st.audit.run(
      w.row.created_at,
      actor,
      'rating',
      w.row.id,
      before ? 'update' : 'insert',
      before ? JSON.stringify(auditView(before)) : null,
      JSON.stringify(auditView(w.row)),
    );
  });
  return { ...st, write };
}

function auditView(r: RatingRow) {
  const forms = JSON.parse(r.forms) as StoredRating['forms'];
  return {
    rater: r.rater,
    provider: r.provider,
    model: r.model,
    promptVersion: r.prompt_version,
    promptHash: r.prompt_hash,
    transcriptId: r.transcript_id,
    replicate: r.replicate,
    status: r.status,
    cacheKey: r.cache_key,
    forms,
    signals: (JSON.parse(r.signals) as unknown[]).length,
    ruptures: (JSON.parse(r.ruptures) as unknown[]).length,
    failures: r.failure === null ? 0 : (JSON.parse(r.failure) as unknown[]).length,
    costUsd: r.cost_usd,
  };
}
