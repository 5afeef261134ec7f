import type { InstrumentRegistry } from '@alliance-lab/instruments';
import type { ScoreRow } from '../../schemas/score';
import { ruptures as ruptureEpisodes } from '../../stats/ruptures';
import { mitiSummary } from '../../stats/miti';
import type {
  datasetAuditPages,
  datasetCodePages,
  datasetRatingPages,
  datasetResponsePages,
  datasetSessions,
} from '../../store/dataset-reads';
import { deidentifiedAuditValue } from './audit-values';
import type { IdKind } from './pseudonyms';
import type { Row } from './table-writer';

type Sessions = Awaited<ReturnType<typeof datasetSessions>>;
/** A page of a paged read (dataset-reads.ts). */
type PageOf<T extends (...args: never[]) => AsyncGenerator<unknown>> = T extends (
  ...args: never[]
) => AsyncGenerator<infer P>
  ? P
  : never;
type Ratings = PageOf<typeof datasetRatingPages>;
type CodedTranscripts = PageOf<typeof datasetCodePages>;

export interface SessionKeys {
  client: string;
  therapist: string;
  session: number;
  day: number | null;
  date: string | null;
}

/** What every table's rows need: ids re-keyed (or not), and each session's keys. */
export interface RowContext {
  identified: boolean;
  includeText: boolean;
  pseudonym: (kind: IdKind, id: string) => string;
  sessions: Map<string, SessionKeys>;
}

const DAY_MS = 86_400_000;

function dayNumber(date: string | null): number | null {
  if (date === null) return null;
  const t = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(t) ? null : Math.round(t / DAY_MS);
}

/** Session keys with `day` counted from each client's first dated session, so intervals survive without dates. */
export function sessionKeys(rows: Sessions, pseudonym: RowContext['pseudonym']): Map<string, SessionKeys> {
  // Sessions share their dates (a study's sessions fall on a few hundred days), so each date is parsed once.
  const dayOf = new Map<string, number | null>();
  const days = rows.map((s) => {
    if (s.date === null) return null;
    let d = dayOf.get(s.date);
    if (d === undefined) dayOf.set(s.date, (d = dayNumber(s.date)));
    return d;
  });
  const first = new Map<string, number>();
  rows.forEach((s, i) => {
    const d = days[i]!;
    if (d !== null && d < (first.get(s.client_id) ?? Number.POSITIVE_INFINITY)) first.set(s.client_id, d);
  });
  return new Map(
    rows.map((s, i) => {
      const d = days[i]!;
      return [
        s.id,
        {
          client: pseudonym('client', s.client_id),
          therapist: pseudonym('therapist', s.therapist_id),
          session: s.session_index,
          day: d === null ? null : d - first.get(s.client_id)!,
          date: s.date,
        },
      ];
    }),
  );
}

function keysOf(ctx: RowContext, sessionId: string): { client: string; session: number } {
  const s = ctx.sessions.get(sessionId);
  if (!s) throw new Error(`session ${sessionId} is not in the store`);
  return { client: s.client, session: s.session };
}

export function* sessionRows(ctx: RowContext): Generator<Row> {
  for (const s of ctx.sessions.values()) yield { ...s };
}

export function* responseRows(
  ctx: RowContext,
  responses: PageOf<typeof datasetResponsePages>,
  registry: InstrumentRegistry,
): Generator<Row> {
  for (const r of responses) {
    const view = registry.view(r.instrument, r.form);
    const { min, max } = view.form.scale;
    const reversed = new Set(view.items.filter((it) => it.reverse).map((it) => it.id));
    const items = JSON.parse(r.items) as Record<string, number | null>;
    const keys = keysOf(ctx, r.session_id);
    // Items in the form's order, then any the definition no longer lists, so no stored value is lost.
    const order = [
      ...view.items.map((it) => it.id),
      ...Object.keys(items).filter((k) => !view.items.some((it) => it.id === k)),
    ];
    for (const item of order) {
      if (!(item in items)) continue;
      const value = items[item] ?? null;
      yield {
        ...keys,
        instrument: r.instrument,
        form: r.form,
        respondent: r.respondent,
        item,
        value,
        keyed_value: value === null ? null : reversed.has(item) ? min + max - value : value,
        submitted_at: r.submitted_at,
      };
    }
  }
}

/** The ratings that are the study's ratings (ok, of current transcript versions), as the scores count them. */
const counts = (r: Ratings[number]) => r.status === 'ok' && r.is_current === 1;

export function* ratingItemRows(ctx: RowContext, ratings: Ratings): Generator<Row> {
  for (const g of ratings) {
    if (!counts(g)) continue;
    const keys = keysOf(ctx, g.session_id);
    const rationales = ctx.includeText ? rationaleIndex(g.output) : undefined;
    for (const f of JSON.parse(g.forms) as Array<{
      instrument: string;
      form: string;
      items: Record<string, number | null>;
    }>)
      for (const [item, value] of Object.entries(f.items))
        yield {
          ...keys,
          rater: g.rater,
          replicate: g.replicate,
          instrument: f.instrument,
          form: f.form,
          item,
          value,
          rationale: rationales?.get(`${f.instrument}\u0000${f.form}\u0000${item}`) ?? null,
        };
  }
}

function rationaleIndex(output: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (output === null) return out;
  const parsed = JSON.parse(output) as {
    forms?: Array<{ instrument: string; form: string; items?: Array<{ item: string; rationale?: string }> }>;
  };
  for (const f of parsed.forms ?? [])
    for (const it of f.items ?? [])
      if (typeof it.rationale === 'string') out.set(`${f.instrument}\u0000${f.form}\u0000${it.item}`, it.rationale);
  return out;
}

interface StoredSignal {
  domain: string;
  subSignal: string;
  direction: string;
  strength: number;
  evidence: string[];
  quote: string;
}

export function* signalRows(ctx: RowContext, ratings: Ratings): Generator<Row> {
  for (const g of ratings) {
    if (!counts(g)) continue;
    const keys = keysOf(ctx, g.session_id);
    for (const s of JSON.parse(g.signals) as StoredSignal[])
      yield {
        ...keys,
        rater: g.rater,
        replicate: g.replicate,
        domain: s.domain,
        sub_signal: s.subSignal,
        direction: s.direction,
        strength: s.strength,
        evidence: s.evidence.join(' '),
        quote: s.quote,
      };
  }
}

interface StoredRupture {
  marker: string;
  markerType: string;
  startUtterance: string;
  endUtterance: string;
  resolution: { strategy: string; utterance: string } | null;
  resolved: boolean;
}

/** The ruptures table's rater-detected markers as the raters stored them, from the ratings of a page. */
export function* raterRuptureRows(ctx: RowContext, ratings: Ratings): Generator<Row> {
  for (const g of ratings) {
    if (!counts(g)) continue;
    const keys = keysOf(ctx, g.session_id);
    const form = (JSON.parse(g.forms) as Array<{ instrument: string; form: string }>)[0];
    for (const r of JSON.parse(g.ruptures) as StoredRupture[])
      yield {
        ...keys,
        source: 'rater',
        rater_or_respondent: g.rater,
        replicate: g.replicate,
        instrument: form?.instrument ?? null,
        form: form?.form ?? null,
        marker: r.marker,
        marker_type: r.markerType,
        start_utterance: r.startUtterance,
        end_utterance: r.endUtterance,
        resolved: r.resolved ? 1 : 0,
        resolution_strategy: r.resolution?.strategy ?? null,
      };
  }
}

/**
 * The ruptures table's self-report episodes, after the raters' markers: each client's series of every
 * self-reported `total` scale screened with the rupture–repair rule at `alliance stats ruptures`' defaults.
 */
export function* scoreDropRows(
  ctx: RowContext,
  scores: readonly ScoreRow[],
  skipped: (series: string, reason: string) => void,
): Generator<Row> {
  const series = new Map<string, ScoreRow[]>();
  for (const s of scores) {
    if (s.source !== 'self-report' || s.scale !== 'total' || s.score === null) continue;
    const key = `${s.rater}\u0000${s.instrument}\u0000${s.form}`;
    const list = series.get(key);
    if (list) list.push(s);
    else series.set(key, [s]);
  }
  for (const rows of series.values()) {
    const first = rows[0]!;
    const bySession = new Map(rows.map((r) => [`${r.client}\u0000${r.session}`, r.session_id]));
    let episodes: ReturnType<typeof ruptureEpisodes>['episodes'];
    try {
      episodes = ruptureEpisodes({
        subject: rows.map((r) => r.client),
        session: rows.map((r) => r.session),
        value: rows.map((r) => r.score as number),
      }).episodes;
    } catch (err) {
      // A series the rule cannot screen (no within-client variation, say) has no episodes; the manifest says why.
      skipped(
        `${first.rater} ${first.instrument} ${first.form} total`,
        err instanceof Error ? err.message : String(err),
      );
      continue;
    }
    for (const e of episodes)
      yield {
        ...keysOf(ctx, bySession.get(`${e.client}\u0000${e.rupture.session}`)!),
        source: 'self-report',
        rater_or_respondent: first.rater,
        replicate: 0,
        instrument: first.instrument,
        form: first.form,
        scale: 'total',
        marker: 'score-drop',
        resolved: e.repaired ? 1 : 0,
        repair_session: e.repair?.session ?? null,
        score: e.rupture.score,
        drop: e.drop,
        censored: e.censored ? 1 : 0,
      };
  }
}

export function* ratingRunRows(ctx: RowContext, ratings: Ratings): Generator<Row> {
  for (const g of ratings) {
    const failures = g.failure === null ? [] : (JSON.parse(g.failure) as string[]);
    yield {
      ...keysOf(ctx, g.session_id),
      rater: g.rater,
      replicate: g.replicate,
      transcript_version: g.transcript_version,
      current: g.is_current,
      provider: g.provider,
      model: g.model,
      prompt_version: g.prompt_version,
      prompt_hash: g.prompt_hash,
      params: g.params,
      status: g.status,
      failures: failures.length,
      failure_reasons: failures.length ? failures.join(' | ') : null,
      input_tokens: g.input_tokens,
      output_tokens: g.output_tokens,
      cached_tokens: g.cached_tokens,
      cost_usd: g.cost_usd,
      latency_ms: g.latency_ms,
      created_at: g.created_at,
    };
  }
}

/** What every row of the two code tables starts with: the session, the transcript version and the coder. */
function codedKeys(ctx: RowContext, t: CodedTranscripts[number]) {
  return {
    ...keysOf(ctx, t.session_id),
    transcript_version: t.version,
    current: t.is_current,
    coder: t.coder,
    // Read with the codes, not the listing: codes replaced in between carry their own coder's hash.
    coder_hash: t.codes[0]!.coder_hash,
  };
}

/** The utterance_codes table: one row per coded utterance, in utterance order. */
export function* utteranceCodeRows(ctx: RowContext, page: CodedTranscripts): Generator<Row> {
  for (const t of page) {
    const keys = codedKeys(ctx, t);
    for (const c of t.codes)
      yield {
        ...keys,
        utterance_id: c.uid,
        seq: c.seq,
        role: c.role,
        code: c.code,
        subcode: c.subcode,
        probability: c.probability,
      };
  }
}

/** The code_summaries table: one row per coded transcript version and coder, its counts and MITI-style summaries. */
export function* codeSummaryRows(ctx: RowContext, page: CodedTranscripts): Generator<Row> {
  for (const t of page) {
    const s = mitiSummary(t.codes);
    yield {
      ...codedKeys(ctx, t),
      therapist_utterances: s.therapistUtterances,
      reflections: s.reflections,
      complex_reflections: s.complexReflections,
      questions: s.questions,
      open_questions: s.openQuestions,
      input: s.input,
      other: s.other,
      client_utterances: s.clientUtterances,
      change_talk: s.changeTalk,
      sustain_talk: s.sustainTalk,
      neutral_talk: s.neutralTalk,
      rq_ratio: s.reflectionToQuestion,
      complex_reflection_share: s.complexReflectionShare,
      open_question_share: s.openQuestionShare,
      change_talk_share: s.changeTalkShare,
    };
  }
}

export function* auditRows(ctx: RowContext, audit: PageOf<typeof datasetAuditPages>): Generator<Row> {
  const value = (json: string | null) => {
    if (json === null) return null;
    return ctx.identified ? json : JSON.stringify(deidentifiedAuditValue(JSON.parse(json)));
  };
  for (const a of audit) {
    const keys = a.session_id !== null && ctx.sessions.has(a.session_id) ? keysOf(ctx, a.session_id) : null;
    yield {
      seq: a.id,
      at: a.at,
      actor: ctx.pseudonym('actor', a.actor),
      entity: a.entity,
      entity_id: ctx.pseudonym('entity', a.entity_id),
      client: keys?.client ?? null,
      session: keys?.session ?? null,
      action: a.action,
      before: value(a.before),
      after: value(a.after),
    };
  }
}
