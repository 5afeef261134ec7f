import type { ColumnType, Generated } from 'kysely';

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
  ratings: {
    id: string;
    session_id: string;
    transcript_id: string;
    rater: string;
    provider: string;
    model: string;
    prompt_version: string;
    prompt_hash: string;
    params: string;
    replicate: number;
    status: string;
    forms: string;
    signals: string;
    ruptures: string;
    failure: string | null;
    input_tokens: number;
    output_tokens: number;
    cached_tokens: number;
    cost_usd: number;
    latency_ms: number;
    cache_key: string;
    created_at: string;
  };
  rating_cache: {
    key: string;
    provider: string;
    model: string;
    prompt_version: string;
    prompt_hash: string;
    transcript_hash: string;
    replicate: number;
    status: string;
    output: string;
    failure: string | null;
    input_tokens: number;
    output_tokens: number;
    cached_tokens: number;
    cost_usd: number;
    latency_ms: number;
    requests: number;
    created_at: string;
  };
  deidentification_maps: {
    transcript_id: string;
    settings_hash: string;
    deidentified_hash: string;
    /** JSON: the placeholders with their kinds and original texts. */
    mapping: string;
    created_at: string;
  };
  scores: {
    source: string;
    source_id: string;
    instrument: string;
    form: string;
    scale: string;
    score: number | null;
    pomp: number | null;
    prorated: number;
    missing: number;
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
