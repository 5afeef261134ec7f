import { basename } from 'node:path';
import { readCsvRows } from '../../../util/csv';
import { InputError } from '../../../util/errors';

/** Codes read as missing in numeric columns: empty, R's NA, and common spreadsheet spellings. */
export const MISSING_CODES = new Set(['', 'NA', 'N/A', 'NaN', '.', 'null']);

export type ColumnKind = 'id' | 'number' | 'category';

export interface ColumnSpec {
  /** Header name in the file (from a CLI option such as --subject). */
  name: string;
  kind: ColumnKind;
  /** The option that names this column, for error messages ("--value"). */
  option?: string;
  /** Whether empty/NA values are allowed (they become null). */
  allowMissing?: boolean;
}

export type Cell = string | number | null;

export interface StatsTable<K extends string> {
  file: string;
  rows: Array<Record<K, Cell> & { line: number }>;
}

/**
 * Reads a long CSV for a statistic: checks the named columns exist, converts numbers, and reports a bad value
 * by file, line and column. Nothing is computed on a file with errors.
 */
export async function readLongTable<K extends string>(
  file: string,
  columns: Record<K, ColumnSpec>,
): Promise<StatsTable<K>> {
  const label = basename(file);
  const rows: Array<Record<K, Cell> & { line: number }> = [];
  let checked = false;
  for await (const row of readCsvRows(file, { file: label })) {
    if (!checked) {
      checked = true;
      const present = Object.keys(row.values);
      for (const spec of Object.values(columns) as ColumnSpec[]) {
        if (!present.includes(spec.name)) {
          throw new InputError(
            `no column "${spec.name}"${spec.option ? ` (set with ${spec.option})` : ''}; the header has ${present.map((p) => `"${p}"`).join(', ')}`,
            { file: label, line: 1 },
          );
        }
      }
    }
    const out = { line: row.line } as Record<K, Cell> & { line: number };
    for (const [key, spec] of Object.entries(columns) as Array<[K, ColumnSpec]>) {
      (out as Record<K, Cell>)[key] = convert(row.values[spec.name]!, spec, label, row.line);
    }
    rows.push(out);
  }
  if (rows.length === 0) throw new InputError('the file has a header but no data rows', { file: label, line: 2 });
  return { file: label, rows };
}

function convert(raw: string, spec: ColumnSpec, file: string, line: number): Cell {
  const v = raw.trim();
  if (MISSING_CODES.has(v)) {
    if (spec.allowMissing) return null;
    throw new InputError(
      `a value is required here${spec.kind === 'number' ? ' (a number)' : ''}, found ${v === '' ? 'an empty cell' : `"${v}"`}`,
      {
        file,
        line,
        column: spec.name,
      },
    );
  }
  if (spec.kind === 'number') {
    const x = Number(v);
    if (!Number.isFinite(x))
      throw new InputError(`expected a number, found "${truncate(v)}"`, { file, line, column: spec.name });
    return x;
  }
  return v;
}

/**
 * Reads a wide CSV (one row per subject, one column per rater) into long rows. `subject` names the id column;
 * every other column is a rater, unless `raters` lists them.
 */
export async function readWideTable(
  file: string,
  opts: { subject: string; raters?: string[]; kind: 'number' | 'category' },
): Promise<{
  file: string;
  rows: Array<{ subject: string; rater: string; value: Cell; line: number }>;
  raters: string[];
}> {
  const label = basename(file);
  const rows: Array<{ subject: string; rater: string; value: Cell; line: number }> = [];
  let raters: string[] | undefined;
  for await (const row of readCsvRows(file, { file: label })) {
    if (!raters) {
      const present = Object.keys(row.values);
      if (!present.includes(opts.subject)) {
        throw new InputError(
          `no subject column "${opts.subject}" (set with --subject); the header has ${present.map((p) => `"${p}"`).join(', ')}`,
          {
            file: label,
            line: 1,
          },
        );
      }
      raters = opts.raters ?? present.filter((p) => p !== opts.subject);
      for (const r of raters)
        if (!present.includes(r)) throw new InputError(`no rater column "${r}"`, { file: label, line: 1 });
      if (raters.length < 2)
        throw new InputError(
          `a wide file needs at least two rater columns besides "${opts.subject}", found ${raters.length}`,
          { file: label, line: 1 },
        );
    }
    const subject = row.values[opts.subject]!.trim();
    if (subject === '')
      throw new InputError('the subject id is empty', { file: label, line: row.line, column: opts.subject });
    for (const r of raters) {
      rows.push({
        subject,
        rater: r,
        value: convert(row.values[r]!, { name: r, kind: opts.kind, allowMissing: true }, label, row.line),
        line: row.line,
      });
    }
  }
  if (!raters || rows.length === 0)
    throw new InputError('the file has a header but no data rows', { file: label, line: 2 });
  return { file: label, rows, raters };
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
