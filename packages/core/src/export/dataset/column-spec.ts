import { z } from 'zod';

// The shape of the dataset's column and table specs (the codebook is written from them), and the columns several
// tables share.

/**
 * What a column holds. `flag` is 0/1 (as R and SPSS read booleans), `json` a JSON text, `date` YYYY-MM-DD or an
 * ISO timestamp. The type decides the Parquet type, the codebook's REDCap validation and R's read.csv class.
 */
export const ColumnType = z.enum(['string', 'integer', 'number', 'flag', 'date', 'json']);
export type ColumnType = z.infer<typeof ColumnType>;

/** When a column is written: always, only with --identified, only without it, only with --include-text. */
export const ColumnWhen = z.enum(['always', 'identified', 'deidentified', 'text']);

export const ColumnSpec = z.object({
  name: z.string(),
  type: ColumnType,
  label: z.string(),
  unit: z.string().default(''),
  range: z.string().default(''),
  /** Where the value comes from in the study (store table, instrument definition, rater output). */
  source: z.string(),
  instrument: z.string().default(''),
  when: ColumnWhen.default('always'),
});
export type ColumnSpec = z.infer<typeof ColumnSpec>;
export type ColumnSpecInput = z.input<typeof ColumnSpec>;

export const TableSpec = z.object({ name: z.string(), label: z.string(), columns: z.array(ColumnSpec) });
export type TableSpec = z.infer<typeof TableSpec>;

export const ID = 'pseudonym re-keyed with the study secret (HMAC-SHA256), or the study id with --identified';
export const client: ColumnSpecInput = {
  name: 'client',
  type: 'string',
  label: `Client id: ${ID}`,
  source: 'sessions',
};
export const session: ColumnSpecInput = {
  name: 'session',
  type: 'integer',
  label: "Session number within the client's treatment (1 = first)",
  range: '≥ 1',
  source: 'sessions',
};
export const replicate = (source: string): ColumnSpecInput => ({
  name: 'replicate',
  type: 'integer',
  label: "0 for questionnaires; 1, 2, … for a rater's replicates",
  range: '≥ 0',
  source,
});
export const rater = (source: string): ColumnSpecInput => ({
  name: 'rater',
  type: 'string',
  label: 'Rater configuration name (study.json raters)',
  source,
});
export const byWhom: ColumnSpecInput = {
  name: 'rater_or_respondent',
  type: 'string',
  label: 'client or therapist (self-report), the coder id (coder), or the rater configuration name (rater)',
  source: 'responses.respondent / ratings.rater',
};
export const sourceCol = (values: string): ColumnSpecInput => ({
  name: 'source',
  type: 'string',
  label: `Where the value comes from: ${values}`,
  range: values,
  source: 'derived',
});
export const instrument = (source: string): ColumnSpecInput => ({
  name: 'instrument',
  type: 'string',
  label: 'Instrument id (alliance instruments list)',
  source,
});
export const form = (source: string): ColumnSpecInput => ({
  name: 'form',
  type: 'string',
  label: 'Instrument form',
  range: 'client, therapist, observer, child',
  source,
});
export const flag = (name: string, label: string, source: string): ColumnSpecInput => ({
  name,
  type: 'flag',
  label,
  range: '0–1',
  source,
});
