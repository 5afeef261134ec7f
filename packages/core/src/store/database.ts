import type { ColumnType, Generated } from 'kysely';

// Column markers: each column's TypeScript type, spelled by an example value, so one object gives both the row
// type and the column list (the migrations keep their own DDL, as a migration must not change once released).
const text = '' as string;
const nullableText = null as string | null;
const integer = 0 as number;
const real = 0 as number;

/** The columns of a stored rating, in table order. */
export const RATING_COLUMNS = {
  id: text,
  session_id: text,
  transcript_id: text,
  rater: text,
  provider: text,
  model: text,
  prompt_version: text,
  prompt_hash: text,
  params: text,
  replicate: integer,
  status: text,
  forms: text,
  signals: text,
  ruptures: text,
  failure: nullableText,
  input_tokens: integer,
  output_tokens: integer,
  cached_tokens: integer,
  cost_usd: real,
  latency_ms: real,
  cache_key: text,
  created_at: text,
};
export type RatingRow = typeof RATING_COLUMNS;

/** The columns of a rating cache entry (one provider answer, shared by every rating with its key). */
export const CACHE_COLUMNS = {
  key: text,
  provider: text,
  model: text,
  prompt_version: text,
  prompt_hash: text,
  transcript_hash: text,
  replicate: integer,
  status: text,
  output: text,
  failure: nullableText,
  input_tokens: integer,
  output_tokens: integer,
  cached_tokens: integer,
  cost_usd: real,
  latency_ms: real,
  requests: integer,
  created_at: text,
};
export type CacheRow = typeof CACHE_COLUMNS;

/**
 * Row types of the study store as kysely sees them. JSON lives in text columns (portable between SQLite and
 * PostgreSQL); booleans are 0/1 integers for the same reason. Domain shapes are the zod schemas in ../schemas.
 */
export interface Database {
  therapists: { id: string; created_at: string };
  clients: { id: string; created_at: string };
  sessions: {
    id: string;
    client_id: string;
    therapist_id: string;
    session_index: number;
    date: string | null;
    created_at: string;
  };
  transcripts: {
    id: string;
    session_id: string;
    version: number;
    content_hash: string;
    is_current: number;
    format: string;
    source: string | null;
    utterance_count: number;
    imported_at: string;
  };
  utterances: {
    transcript_id: string;
    seq: number;
    uid: string;
    role: string;
    speaker: string | null;
    text: string;
    start_s: number | null;
    end_s: number | null;
  };
  responses: {
    id: string;
    session_id: string;
    instrument: string;
    form: string;
    respondent: string;
    items: string;
    submitted_at: string | null;
    source: string | null;
    created_at: string;
    updated_at: string;
  };
  ratings: RatingRow;
  rating_cache: CacheRow;
  /** Who is asking a provider for a cache key, until when (ISO 8601 UTC); see cache-leases.ts. */
  rating_cache_leases: { key: string; holder: string; expires_at: string };
  /** Batches sent through a provider's batch API; see rating-batches.ts. */
  rating_batches: {
    id: string;
    rater: string;
    provider: string;
    base_url: string;
    provider_batch_id: string | null;
    status: string;
    provider_status: string | null;
    holder: string;
    created_at: string;
    updated_at: string;
  };
  rating_batch_requests: {
    batch_id: string;
    key: string;
    transcript_id: string;
    replicate: number;
    status: string;
    reason: string | null;
  };
  deidentification_maps: {
    transcript_id: string;
    settings_hash: string;
    deidentified_hash: string;
    /** JSON: the placeholders with their kinds and original texts. */
    mapping: string;
    created_at: string;
  };
  utterance_codes: {
    transcript_id: string;
    coder: string;
    coder_hash: string;
    seq: number;
    uid: string;
    role: string;
    code: string;
    subcode: string | null;
    probability: number;
    created_at: string;
  };
  scores: {
    /** "response" or "rating": which table source_id names (self-report or coder is told by the respondent). */
    source: string;
    source_id: string;
    instrument: string;
    form: string;
    scale: string;
    score: number | null;
    pomp: number | null;
    prorated: number;
    missing: number;
    /** The scale's number in score_scales (score-scales.ts), set as the score is inserted. */
    scale_id: number | null;
  };
  /** Each distinct instrument, form and scale of the scores, numbered once (score-scales.ts). */
  score_scales: {
    id: Generated<number>;
    instrument: string;
    form: string;
    scale: string;
  };
  audit: {
    id: Generated<number>;
    at: string;
    actor: string;
    entity: string;
    entity_id: string;
    action: string;
    before: string | null;
    after: string | null;
  };
  validation_runs: { id: string; generated_at: string; raters: string; result: string; created_at: string };
  /** Keys of de-identified exports, one per purpose; never exported. */
  export_secrets: { purpose: string; secret: string; created_at: string };
  staff: {
    id: string;
    name: string;
    role: string;
    password_hash: string;
    failed_attempts: number;
    locked_until: string | null;
    created_at: string;
  };
  staff_sessions: { token_hash: string; staff_id: string; expires_at: string; created_at: string };
  invitations: {
    id: string;
    session_id: string;
    instrument: string;
    form: string;
    definition_version: string;
    token_hash: string;
    code_hash: string;
    expires_at: string;
    /** JSON: the item values a client has entered so far, until they submit. */
    draft: string | null;
    opened_at: string | null;
    started_at: string | null;
    completed_at: string | null;
    response_id: string | null;
    created_at: string;
  };
  invitation_log: { id: Generated<number>; invitation_id: string; at: string; event: string };
  meta: { key: string; value: ColumnType<string, string, string> };
}
