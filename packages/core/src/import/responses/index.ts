import { basename } from 'node:path';
import type { Form, ItemValues } from '../../schemas/response';
import { ensureSession, sessionIds, sessionId as sessionKey } from '../../store/sessions';
import type { ScaleScore } from '../../schemas/score';
import { upsertResponse, type UpsertStatus } from '../../store/responses';
import type { Study } from '../../store/study';
import { writeTransaction } from '../../store/write-lock';
import { InputError, UsageError } from '../../util/errors';
import { detectFormat } from './detect-format';
import { ErrorList, type RowError } from './error-list';
import { DEFAULT_LONG_COLUMNS, parseLong, type LongColumns } from './long';
import { parseQualtrics } from './qualtrics';
import { parseRedcap } from './redcap';
import {
  DEFAULT_ID_COLUMNS,
  RESPONSE_FORMATS,
  type IdColumns,
  type ParseInput,
  type ParsedResponses,
  type RawResponse,
  type RespondentKind,
  type ResponseFormat,
} from './types';
import { parseWide } from './wide';

export { RESPONSE_FORMATS, DEFAULT_ID_COLUMNS, DEFAULT_LONG_COLUMNS };
export type { ResponseFormat, IdColumns, LongColumns, RowError };
export { loadResponseForm, responseForm, scaleScores } from './form-engine';

/** What the importer needs of one instrument form. Built from the instruments package (see form-engine.ts). */
export interface ResponseForm {
  instrument: string;
  form: Form;
  /** Who fills the form in; observer forms name their coder in a column. */
  respondent: RespondentKind;
  /** Item ids in the definition's order. */
  items: readonly string[];
  /** A raw cell as a validated item value: a number on the form's scale, null for an unanswered item, or why not. */
  value(item: string, raw: string): { value: number | null } | { error: string };
  score(items: ItemValues): ScaleScore[];
}

export interface ImportResponsesRequest {
  file: string;
  form: ResponseForm;
  format?: ResponseFormat;
  columns?: Partial<IdColumns>;
  longColumns?: Partial<LongColumns>;
  /** REDCap data dictionary. */
  dictionary?: string;
  /** REDCap event → session rule. */
  events?: string;
  /** REDCap field or Qualtrics question → item map. */
  map?: string;
  /** Therapist for sessions the file creates and does not name a therapist for. */
  therapist?: string;
  /** CSV field separator; detected from the header when not given. */
  delimiter?: string;
  /** Overwrite stored responses whose values differ (audited); without it such rows are errors. */
  replace?: boolean;
  /** Work out what would be added, changed and left alone, and write nothing. */
  dryRun?: boolean;
  /** Called as responses are stored, for a progress display. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface ImportResponsesSummary {
  file: string;
  format: ResponseFormat;
  instrument: string;
  form: Form;
  /** Data rows in the file. */
  rows: number;
  /** Rows left out on purpose: previews, unfinished or empty questionnaires, other forms' rows. */
  skipped: number;
  /** Questionnaires read from the rows. */
  responses: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Responses whose score rows were written. */
  scored: number;
  /** Sessions the import created. */
  sessionsCreated: number;
  /** True when this was a --dry-run: the counts say what an import would do; nothing was written. */
  dryRun?: boolean;
  /** Problems found; when there are any, nothing was written. */
  errors: RowError[];
}

/**
 * Imports one response file into a study: parse, validate every value with the instrument engine, then store
 * and score everything in one transaction. Any problem (a bad value, a session that cannot be created) means
 * nothing is written; all problems found are returned together, each naming file, line and column.
 */
export async function importResponses(study: Study, req: ImportResponsesRequest): Promise<ImportResponsesSummary> {
  const label = basename(req.file);
  const longColumns = { ...DEFAULT_LONG_COLUMNS, ...req.longColumns };
  const format =
    req.format ?? (req.dictionary ? 'redcap' : await detectFormat(req.file, label, longColumns, req.delimiter));
  if (!RESPONSE_FORMATS.includes(format))
    throw new UsageError(`--format must be one of ${RESPONSE_FORMATS.join(', ')}, got "${format}"`);
  if (format === 'redcap' && !req.dictionary)
    throw new UsageError('a REDCap export needs its data dictionary: --dictionary FILE');
  if ((req.events !== undefined || req.dictionary !== undefined) && format !== 'redcap')
    throw new UsageError('--dictionary and --events apply to REDCap exports only');
  if (req.map !== undefined && format === 'long')
    throw new UsageError('--map applies to wide, REDCap and Qualtrics files; a long file names its items in a column');

  const errors = new ErrorList(label);
  const { form } = req;
  const input: ParseInput = {
    path: req.file,
    label,
    items: form.items,
    columns: { ...DEFAULT_ID_COLUMNS, ...req.columns },
    respondent: form.respondent,
    errors,
    ...optional('delimiter', req.delimiter),
    checkValue: (item, raw) => {
      const v = form.value(item, raw);
      return 'error' in v ? v.error : undefined;
    },
  };
  const parsed = await parse(format, input, req, longColumns);
  const summary: ImportResponsesSummary = {
    file: label,
    format,
    instrument: form.instrument,
    form: form.form,
    rows: parsed.rows,
    skipped: parsed.skipped,
    responses: parsed.responses.length,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    scored: 0,
    sessionsCreated: 0,
    errors: [],
  };

  // Qualtrics exports choice text unless told otherwise; the fix is an export setting, not an edit of the file.
  const hint = format === 'qualtrics' ? ' (export the responses with "Use numeric values")' : '';
  const checked = validate(parsed.responses, form, errors, hint);
  if (errors.count > 0) return { ...summary, errors: errors.items };

  const counts: Record<UpsertStatus, number> = { inserted: 0, updated: 0, unchanged: 0 };
  let scored = 0;
  let created = 0;
  let refused = 0;
  try {
    await writeTransaction(study.db, async (trx) => {
      // Counted afresh on each attempt: PostgreSQL runs a transaction again when it loses a race.
      for (const k of Object.keys(counts) as UpsertStatus[]) counts[k] = 0;
      scored = created = refused = 0;
      errors.clear();
      const known = await sessionIds(trx);
      let done = 0;
      for (const { raw, items } of checked) {
        if (req.signal?.aborted) throw new ResponseImportInterrupted(label);
        let sessionId = sessionKey(raw.client, raw.session);
        // --therapist only fills in new sessions; a therapist named in the file must agree with the stored one.
        const therapist = raw.therapist ?? (known.has(sessionId) ? undefined : req.therapist);
        try {
          sessionId = await ensureSession(
            trx,
            {
              client: raw.client,
              session: raw.session,
              ...optional('therapist', therapist),
              ...optional('date', raw.date),
            },
            { file: label, line: raw.line },
          );
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          errors.addError(err);
          continue;
        }
        if (!known.has(sessionId)) {
          known.add(sessionId);
          created++;
        }
        // The transaction will be rolled back; keep looking for session problems and other changed rows only.
        if (errors.count > refused) continue;
        const outcome = await upsertResponse(
          trx,
          study.actor,
          {
            sessionId,
            instrument: form.instrument,
            form: form.form,
            respondent: raw.respondent,
            items,
            ...optional('submittedAt', raw.submittedAt),
            source: label,
          },
          form.score(items),
        );
        if (outcome.status === 'updated' && !req.replace && !req.dryRun) {
          errors.add(changedMessage(raw, outcome.changedItems ?? []), { line: raw.line });
          refused++;
          continue;
        }
        counts[outcome.status]++;
        if (outcome.scored) scored++;
        req.onProgress?.(++done, checked.length);
      }
      if (errors.count > 0) throw new RolledBack();
      // A dry run goes through the same writes, so its counts are exactly what an import would do, then undoes them.
      if (req.dryRun) throw new RolledBack();
    });
  } catch (err) {
    if (!(err instanceof RolledBack)) throw err;
    if (errors.count > 0) return { ...summary, errors: errors.items };
  }
  return { ...summary, ...counts, scored, sessionsCreated: created, ...(req.dryRun ? { dryRun: true } : {}) };
}

async function parse(
  format: ResponseFormat,
  input: ParseInput,
  req: ImportResponsesRequest,
  longColumns: LongColumns,
): Promise<ParsedResponses> {
  switch (format) {
    case 'wide':
      return parseWide(input, optional('map', req.map));
    case 'long':
      return parseLong(input, longColumns);
    case 'redcap':
      return parseRedcap(input, {
        dictionary: req.dictionary!,
        ...optional('events', req.events),
        ...optional('map', req.map),
      });
    case 'qualtrics':
      return parseQualtrics(input, optional('map', req.map));
  }
}

/** Codes read as an unanswered item besides an empty cell: R's NA and the usual spreadsheet spellings. */
const MISSING = new Set(['NA', 'N/A', 'n/a', '.']);

/** Every value through the engine; a questionnaire named twice in one file is an error, not a silent overwrite. */
function validate(
  responses: RawResponse[],
  form: ResponseForm,
  errors: ErrorList,
  textHint: string,
): Array<{ raw: RawResponse; items: ItemValues }> {
  const out: Array<{ raw: RawResponse; items: ItemValues }> = [];
  const seen = new Map<string, number>();
  for (const raw of responses) {
    const key = `${raw.client}\u0000${raw.session}\u0000${raw.respondent}`;
    const first = seen.get(key);
    if (first !== undefined) {
      const who =
        raw.respondent === 'client' || raw.respondent === 'therapist' ? raw.respondent : `coder ${raw.respondent}`;
      errors.add(`client ${raw.client} session ${raw.session} (${who}) is also on line ${first}; keep one`, {
        line: raw.line,
      });
      continue;
    }
    seen.set(key, raw.line);
    const items: ItemValues = {};
    for (const item of form.items) items[item] = null;
    let ok = true;
    for (const v of raw.values) {
      if (v.raw === '' || MISSING.has(v.raw)) continue;
      const checked = form.value(v.item, v.raw);
      if ('error' in checked) {
        const hint = /\d/.test(v.raw) ? '' : textHint;
        errors.add(`item ${v.item}: ${checked.error}${hint}`, { line: v.line, column: v.column });
        ok = false;
      } else items[v.item] = checked.value;
    }
    if (ok) out.push({ raw, items });
  }
  return out;
}

/** A stored response that the file would change: refused without --replace, since a re-import should not rewrite history. */
function changedMessage(raw: RawResponse, items: readonly string[]): string {
  const who =
    raw.respondent === 'client' || raw.respondent === 'therapist' ? raw.respondent : `coder ${raw.respondent}`;
  const what =
    items.length === 0
      ? 'its submission time differs'
      : `item${items.length === 1 ? '' : 's'} ${items.join(', ')} differ${items.length === 1 ? 's' : ''}`;
  return `client ${raw.client} session ${raw.session} (${who}) is already stored with other values (${what}); give --replace to overwrite the stored response (the audit keeps both)`;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

class RolledBack extends Error {}

/** The import was stopped (Ctrl-C) before it committed; nothing of the file was written. */
export class ResponseImportInterrupted extends Error {
  constructor(readonly file: string) {
    super(`import interrupted; nothing from ${file} was written`);
    this.name = 'ResponseImportInterrupted';
  }
}
