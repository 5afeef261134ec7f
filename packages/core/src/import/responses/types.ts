import type { ErrorList } from './error-list';

export const RESPONSE_FORMATS = ['wide', 'long', 'redcap', 'qualtrics'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

/** Header names of the id columns. Every one is an option with this default. */
export interface IdColumns {
  client: string;
  session: string;
  therapist: string;
  date: string;
  /** Observer forms only: the human coder's pseudonymous id, stored as the respondent. */
  coder: string;
  submitted: string;
}

export const DEFAULT_ID_COLUMNS: IdColumns = {
  client: 'client',
  session: 'session',
  therapist: 'therapist',
  date: 'date',
  coder: 'coder',
  submitted: 'submitted_at',
};

/** One item value as it stands in the file, with where it stands, so the engine's verdict can point at it. */
export interface RawValue {
  item: string;
  raw: string;
  line: number;
  column: string;
}

/** One questionnaire read from a file, ids checked, item values not yet validated against the scale. */
export interface RawResponse {
  /** The line the response starts on (its first row for long files). */
  line: number;
  client: string;
  session: number;
  therapist?: string;
  date?: string;
  /** "client", "therapist", or the coder's id for observer forms. */
  respondent: string;
  submittedAt?: string;
  values: RawValue[];
}

/** Who answers a form: the client and therapist answer for themselves; observer forms name their coder. */
export type RespondentKind = 'client' | 'therapist' | 'coder';

export interface ParseInput {
  path: string;
  /** How the file is named in messages. */
  label: string;
  /** The form's item ids, in the definition's order. */
  items: readonly string[];
  columns: IdColumns;
  respondent: RespondentKind;
  /** CSV field separator (--delimiter); detected from the header when not given. */
  delimiter?: string;
  /**
   * Checks one value against the item's scale with the instrument engine: undefined when valid, else why not.
   * Formats that carry their own value coding (a REDCap dictionary's choices) check it up front with this.
   */
  checkValue(item: string, raw: string): string | undefined;
  /** Row-level problems are collected here so one run reports them all; header-level ones throw InputError. */
  errors: ErrorList;
}

export interface ParsedResponses {
  responses: RawResponse[];
  /** Data rows read, including skipped ones. */
  rows: number;
  /** Rows left out on purpose (Qualtrics previews and unfinished responses, REDCap rows of other forms). */
  skipped: number;
}
