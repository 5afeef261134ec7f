import { text } from '../../options';
import { STUDY_OPTIONS } from './data-source';
import { renderTable } from '../../table';

/** One row of an association table: an estimate with its interval, n, df and p. */
export interface AssociationRow {
  label: string;
  r: number | null;
  ci95: [number, number] | null;
  n: number;
  df: number | null;
  p: number | null;
}

/** The readable table the corr, rmcorr and decompose commands print without --json. */
export function associationTable(rows: AssociationRow[]): string {
  return renderTable(
    ['estimate', 'r', 'ci95 low', 'ci95 high', 'n', 'df', 'p'],
    rows.map((row) => [row.label, row.r, row.ci95?.[0] ?? null, row.ci95?.[1] ?? null, row.n, row.df, row.p]),
  );
}

export const COLUMN_OPTIONS = {
  in: text('long CSV, one row per session (or --study)', 'FILE').optional(),
  subject: text('client id column', 'COL').default('subject'),
  x: text('first measure: a column (default "x"), or with --study a source (client, K1, lexicon)', 'COL').optional(),
  y: text('second measure: a column (default "y"), or with --study a source', 'COL').optional(),
  ...STUDY_OPTIONS,
};
