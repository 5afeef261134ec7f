import { CODE_TABLES } from './code-columns';
import {
  byWhom,
  type ColumnSpec,
  type ColumnSpecInput,
  client,
  flag,
  form,
  ID,
  instrument,
  rater,
  replicate,
  session,
  sourceCol,
  TableSpec,
} from './column-spec';

export { ColumnSpec, ColumnType, ColumnWhen, type ColumnSpecInput, TableSpec } from './column-spec';

const specs: Array<{ name: string; label: string; columns: ColumnSpecInput[] }> = [
  {
    name: 'sessions',
    label: 'One row per session',
    columns: [
      client,
      { name: 'therapist', type: 'string', label: `Therapist id: ${ID}`, source: 'sessions' },
      session,
      {
        name: 'day',
        type: 'integer',
        label: "Days since the client's first dated session (0 = that session); blank when undated",
        unit: 'days',
        range: '≥ 0',
        source: 'sessions.date',
        when: 'deidentified',
      },
      { name: 'date', type: 'date', label: 'Session date', source: 'sessions.date', when: 'identified' },
    ],
  },
  {
    name: 'responses',
    label: 'One row per questionnaire item answered or left blank (self-report and coders)',
    columns: [
      client,
      session,
      instrument('responses'),
      form('responses'),
      {
        name: 'respondent',
        type: 'string',
        label: 'client, therapist, or the coder id',
        source: 'responses.respondent',
      },
      { name: 'item', type: 'string', label: 'Item id within the instrument form', source: 'instrument definition' },
      {
        name: 'value',
        type: 'number',
        label: 'Item value as given (blank = not answered)',
        unit: 'item scale points',
        range: "the form's item scale (alliance codebook --instrument ID)",
        source: 'responses.items',
      },
      {
        name: 'keyed_value',
        type: 'number',
        label: 'Item value after reverse keying (min + max − value for reversed items), as scales sum it',
        unit: 'item scale points',
        range: "the form's item scale",
        source: 'instrument definition keying',
      },
      {
        name: 'submitted_at',
        type: 'date',
        label: 'When the questionnaire was submitted',
        source: 'responses.submitted_at',
        when: 'identified',
      },
    ],
  },
  {
    name: 'ratings',
    label: "One row per item of a rater's ok rating of a current transcript version",
    columns: [
      client,
      session,
      rater('ratings.rater'),
      replicate('ratings.replicate'),
      instrument('ratings.forms'),
      form('ratings.forms'),
      { name: 'item', type: 'string', label: 'Item id within the instrument form', source: 'ratings.forms' },
      {
        name: 'value',
        type: 'number',
        label: 'Item value the rater gave (blank = not rated)',
        unit: 'item scale points',
        range: "the form's item scale",
        source: 'ratings.forms',
      },
      {
        name: 'rationale',
        type: 'string',
        label: "The rater's rationale for the value (transcript-derived text)",
        source: 'rater output (rating cache)',
        when: 'text',
      },
    ],
  },
  {
    name: 'scores',
    label: 'One row per scale score (self-report, coder, rater)',
    columns: [
      client,
      session,
      sourceCol('self-report, coder, rater'),
      byWhom,
      replicate('ratings.replicate'),
      instrument('scores'),
      form('scores'),
      { name: 'scale', type: 'string', label: 'Scale id within the instrument', source: 'scores.scale' },
      {
        name: 'score',
        type: 'number',
        label: 'Scale score (blank when too few items were answered)',
        unit: 'scale points',
        range: "the scale's range (codebook.csv, scores_wide)",
        source: 'scores.score',
      },
      {
        name: 'pomp',
        type: 'number',
        label: 'Percent of maximum possible: 100 × (score − min) / (max − min)',
        unit: 'percent',
        range: '0–100',
        source: 'scores.pomp',
      },
      flag('prorated', '1 when the score was computed from fewer than all items', 'scores.prorated'),
      flag('missing', '1 when too few items were answered to score the scale', 'scores.missing'),
    ],
  },
  {
    name: 'signals',
    label: "One row per five-domain signal of a rater's ok rating of a current transcript version",
    columns: [
      client,
      session,
      rater('ratings.signals'),
      replicate('ratings.replicate'),
      { name: 'domain', type: 'string', label: 'Five-domain id', source: 'ratings.signals' },
      { name: 'sub_signal', type: 'string', label: 'Sub-signal id within the domain', source: 'ratings.signals' },
      {
        name: 'direction',
        type: 'string',
        label: 'strength, concern or neutral',
        range: 'strength, concern, neutral',
        source: 'ratings.signals',
      },
      {
        name: 'strength',
        type: 'number',
        label: 'How strongly the signal shows',
        range: '0–1',
        source: 'ratings.signals',
      },
      {
        name: 'evidence',
        type: 'string',
        label: 'Ids of the utterances the signal rests on, space-separated',
        source: 'ratings.signals',
      },
      {
        name: 'quote',
        type: 'string',
        label: 'Verbatim quote from the cited utterances (transcript text)',
        source: 'ratings.signals',
        when: 'text',
      },
    ],
  },
  {
    name: 'ruptures',
    label:
      'Rupture episodes: self-report score drops (V-shaped rupture–repair rule, alliance stats ruptures defaults) and rater-detected 3RS markers',
    columns: [
      client,
      session,
      sourceCol('self-report, rater'),
      byWhom,
      replicate('ratings.replicate'),
      instrument('scores / ratings'),
      form('scores / ratings'),
      { name: 'scale', type: 'string', label: 'Scale screened (self-report only)', source: 'scores.scale' },
      {
        name: 'marker',
        type: 'string',
        label: 'score-drop (self-report), withdrawal or confrontation (rater)',
        range: 'score-drop, withdrawal, confrontation',
        source: 'derived / ratings.ruptures',
      },
      { name: 'marker_type', type: 'string', label: '3RS marker subtype (rater only)', source: 'ratings.ruptures' },
      {
        name: 'start_utterance',
        type: 'string',
        label: 'Utterance id where the rupture starts (rater only)',
        source: 'ratings.ruptures',
      },
      {
        name: 'end_utterance',
        type: 'string',
        label: 'Utterance id where the rupture ends (rater only)',
        source: 'ratings.ruptures',
      },
      flag(
        'resolved',
        '1 when repaired (rater: resolved in session; self-report: repaired within the window)',
        'derived',
      ),
      {
        name: 'resolution_strategy',
        type: 'string',
        label: 'How the rupture was resolved (rater only)',
        source: 'ratings.ruptures',
      },
      {
        name: 'repair_session',
        type: 'integer',
        label: 'Session of the repair (self-report only)',
        range: '≥ 1',
        source: 'derived',
      },
      {
        name: 'score',
        type: 'number',
        label: 'Scale score at the rupture session (self-report only)',
        unit: 'scale points',
        source: 'scores.score',
      },
      {
        name: 'drop',
        type: 'number',
        label: 'Pre-rupture level minus the rupture score (self-report only)',
        unit: 'scale points',
        source: 'derived',
      },
      flag('censored', '1 when the series ends before repair could be observed (self-report only)', 'derived'),
    ],
  },
  {
    name: 'rating_runs',
    label: 'One row per stored rating (ok or failed, every transcript version): configuration, usage, failures',
    columns: [
      client,
      session,
      rater('ratings.rater'),
      replicate('ratings.replicate'),
      {
        name: 'transcript_version',
        type: 'integer',
        label: 'Transcript version rated',
        range: '≥ 1',
        source: 'transcripts.version',
      },
      flag('current', '1 when the rated transcript version is the current one', 'transcripts.is_current'),
      { name: 'provider', type: 'string', label: 'Rater provider', source: 'ratings.provider' },
      { name: 'model', type: 'string', label: 'Model', source: 'ratings.model' },
      { name: 'prompt_version', type: 'string', label: 'Prompt version', source: 'ratings.prompt_version' },
      { name: 'prompt_hash', type: 'string', label: 'SHA-256 of the prompt template', source: 'ratings.prompt_hash' },
      { name: 'params', type: 'json', label: 'Provider parameters (JSON)', source: 'ratings.params' },
      { name: 'status', type: 'string', label: 'ok or failed', range: 'ok, failed', source: 'ratings.status' },
      {
        name: 'failures',
        type: 'integer',
        label: 'Number of failure reasons (0 when ok)',
        range: '≥ 0',
        source: 'ratings.failure',
      },
      {
        name: 'failure_reasons',
        type: 'string',
        label: 'Failure reasons joined with " | " (may quote the transcript)',
        source: 'ratings.failure',
        when: 'text',
      },
      { name: 'input_tokens', type: 'integer', label: 'Prompt tokens', unit: 'tokens', source: 'ratings' },
      { name: 'output_tokens', type: 'integer', label: 'Completion tokens', unit: 'tokens', source: 'ratings' },
      { name: 'cached_tokens', type: 'integer', label: 'Cached prompt tokens', unit: 'tokens', source: 'ratings' },
      { name: 'cost_usd', type: 'number', label: 'Cost', unit: 'USD', source: 'ratings' },
      { name: 'latency_ms', type: 'number', label: 'Latency', unit: 'ms', source: 'ratings' },
      {
        name: 'created_at',
        type: 'date',
        label: 'When the rating was stored',
        source: 'ratings.created_at',
        when: 'identified',
      },
    ],
  },
  ...CODE_TABLES,
  {
    name: 'audit',
    label: 'The append-only audit trail of responses, ratings, transcripts, codes and staff changes',
    columns: [
      { name: 'seq', type: 'integer', label: 'Order of the change', range: '≥ 1', source: 'audit.id' },
      { name: 'at', type: 'date', label: 'When the change was made', source: 'audit.at', when: 'identified' },
      {
        name: 'actor',
        type: 'string',
        label: `Who made the change: ${ID}`,
        source: 'audit.actor',
      },
      {
        name: 'entity',
        type: 'string',
        label: 'What kind of row changed',
        range: 'response, rating, transcript, utterance-codes, session, staff, validation_run',
        source: 'audit.entity',
      },
      { name: 'entity_id', type: 'string', label: `Id of the changed row: ${ID}`, source: 'audit.entity_id' },
      client,
      session,
      {
        name: 'action',
        type: 'string',
        label: 'insert, update or delete',
        range: 'insert, update, delete',
        source: 'audit.action',
      },
      {
        name: 'before',
        type: 'json',
        label:
          'Values before the change (JSON); de-identified: only item values, counts, statuses and rater configuration fields',
        source: 'audit.before',
      },
      { name: 'after', type: 'json', label: 'Values after the change (JSON), as before', source: 'audit.after' },
    ],
  },
];

/** The long tables of the dataset, in the order they are written and documented. */
export const TABLES: TableSpec[] = specs.map((t) => TableSpec.parse(t));

export interface ExportMode {
  identified: boolean;
  includeText: boolean;
}

/** The columns a table has in an export with these options. */
export function columnsFor(table: TableSpec, mode: ExportMode): ColumnSpec[] {
  return table.columns.filter(
    (c) =>
      c.when === 'always' ||
      (c.when === 'identified' && mode.identified) ||
      (c.when === 'deidentified' && !mode.identified) ||
      (c.when === 'text' && mode.includeText),
  );
}
