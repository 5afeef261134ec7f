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
  in: { type: 'string', placeholder: 'FILE', description: 'long CSV, one row per session', required: true },
  subject: { type: 'string', placeholder: 'COL', description: 'client id column', default: 'subject' },
  x: { type: 'string', placeholder: 'COL', description: 'first measure', default: 'x' },
  y: { type: 'string', placeholder: 'COL', description: 'second measure', default: 'y' },
} as const;
