import { InputError, type InputLocation, UsageError } from '../../../util/errors';
import { flag, list, text } from '../../options';
import { dataSource, STUDY_OPTIONS, type StudyScoreOptions } from './data-source';
import { readLongTable, readWideTable } from './input';

/**
 * Reads ratings for the reliability commands (icc, alpha, kappa, fleiss, ac) into a subjects × raters matrix,
 * from a long CSV (one row per rating: --subject, --rater, --value) or, with --wide, one row per subject and one
 * column per rater. Empty or NA values are missing ratings. A subject rated twice by the same rater, a rater
 * column with a single rater, or a value that is not a number where numbers are needed is an error naming the
 * file, line and column.
 */

export const RATING_OPTIONS = {
  in: text('CSV of ratings: long (one row per rating) unless --wide (or --study)', 'FILE.csv').optional(),
  subject: text('subject (unit) id column', 'COL').default('subject'),
  rater: text('rater id column (long format)', 'COL').default('rater'),
  value: text('rating column (long format)', 'COL').default('value'),
  wide: flag('one row per subject, one column per rater (every column but --subject, unless --raters)'),
  raters: list(
    'use only these raters (rater ids, rater columns with --wide; with --study sources: client, a coder id, a rater name)',
    'A,B',
  ),
  ...STUDY_OPTIONS,
};

/** The options every reliability command reads its ratings with. */
export interface RatingOptions extends Partial<StudyScoreOptions> {
  in?: string | undefined;
  subject: string;
  rater: string;
  value: string;
  wide: boolean;
  raters: string[];
}

/** The full category scale, when some categories may be unused. */
export const categoriesOptionSchema = (description: string) => list(description, 'C1,C2,...');

export type Rating = number | string;

export interface RatingsMatrix {
  file: string;
  subjects: string[];
  raters: string[];
  /** cells[i][j]: subject i's rating by rater j, null when missing. */
  cells: Array<Array<Rating | null>>;
  /** Whether every rating is a number (category ratings that all parse as numbers are turned into numbers). */
  numeric: boolean;
  /** Where the raters are named, for error messages: the rater column (long) or the header (wide). */
  raterSource: string;
  raterLocation: InputLocation;
}

/**
 * `kind: 'number'` requires numbers (an error names the first that is not); `kind: 'category'` accepts labels,
 * and turns them into numbers when all of them are numbers, so that 1 and 1.0 are one category and weights can
 * use the values.
 */
export async function readRatings(
  o: RatingOptions,
  kind: 'number' | 'category',
  minRaters = 2,
): Promise<RatingsMatrix> {
  const source = dataSource(o);
  if (source.kind === 'study') {
    if (o.wide) throw new UsageError('--wide describes a CSV: a study has no file shape, so it goes with --in only');
    const { studyRatings } = await import('./study-input');
    return studyRatings({ ...source.study, raters: o.raters }, kind, minRaters);
  }
  const path = source.file;
  const subjectCol = o.subject;
  const only = o.raters;
  let file: string;
  let rows: Array<{ subject: string; rater: string; value: Rating | null; line: number }>;
  let raterColumn: string;
  if (o.wide) {
    const wide = await readWideTable(path, { subject: subjectCol, kind, ...(only.length ? { raters: only } : {}) });
    file = wide.file;
    rows = wide.rows.map((r) => ({ ...r, value: r.value as Rating | null }));
    raterColumn = '';
  } else {
    raterColumn = o.rater;
    const table = await readLongTable(path, {
      subject: { name: subjectCol, kind: 'id', option: '--subject' },
      rater: { name: raterColumn, kind: 'id', option: '--rater' },
      value: { name: o.value, kind, option: '--value', allowMissing: true },
    });
    file = table.file;
    rows = table.rows.map((r) => ({
      subject: String(r.subject),
      rater: String(r.rater),
      value: r.value as Rating | null,
      line: r.line,
    }));
    if (only.length) {
      const present = new Set(rows.map((r) => r.rater));
      for (const r of only)
        if (!present.has(r))
          throw new InputError(`no rater "${r}" (from --raters) in column "${raterColumn}"`, {
            file,
            line: rows[0]!.line,
            column: raterColumn,
          });
      const keep = new Set(only);
      rows = rows.filter((r) => keep.has(r.rater));
    }
  }

  const raterSource = o.wide ? 'the header' : `column "${raterColumn}"`;
  const raterLocation: InputLocation = o.wide
    ? { file, line: 1 }
    : { file, line: rows[0]?.line ?? 2, column: raterColumn };
  return ratingsMatrix(
    file,
    rows,
    { raterSource, raterLocation, duplicateColumn: o.wide ? subjectCol : raterColumn },
    kind,
    minRaters,
  );
}

/** Where the ratings came from, for the messages of ratingsMatrix. */
export interface RatingsOrigin {
  /** How the raters are named: `column "rater"`, `the header`, `the study's sources`. */
  raterSource: string;
  raterLocation: InputLocation;
  /** The column a duplicate rating is reported in. */
  duplicateColumn: string;
}

/**
 * The subjects × raters matrix from rating rows, in order of first appearance: the one builder behind the CSV
 * readers and the study adapter (study-input.ts), so both give a statistic the same cells.
 */
export function ratingsMatrix(
  file: string,
  rows: ReadonlyArray<{ subject: string; rater: string; value: Rating | null; line: number }>,
  origin: RatingsOrigin,
  kind: 'number' | 'category',
  minRaters: number,
): RatingsMatrix {
  const { raterSource, raterLocation } = origin;
  const subjectIndex = new Map<string, number>();
  const raterIndex = new Map<string, number>();
  const seen = new Map<string, number>();
  const cells: Array<Array<Rating | null>> = [];
  for (const r of rows) {
    let i = subjectIndex.get(r.subject);
    if (i === undefined) {
      i = subjectIndex.size;
      subjectIndex.set(r.subject, i);
      cells.push([]);
    }
    let j = raterIndex.get(r.rater);
    if (j === undefined) {
      j = raterIndex.size;
      raterIndex.set(r.rater, j);
    }
    const key = `${i}\u0000${j}`;
    const before = seen.get(key);
    if (before !== undefined) {
      throw new InputError(
        `subject "${r.subject}" already has a rating from rater "${r.rater}" (line ${before}); give each subject one rating per rater`,
        {
          file,
          line: r.line,
          column: origin.duplicateColumn,
        },
      );
    }
    seen.set(key, r.line);
    cells[i]![j] = r.value;
  }
  const raters = [...raterIndex.keys()];
  if (raters.length < minRaters) {
    throw new InputError(
      raters.length === 1
        ? `${raterSource} names only one rater ("${raters[0]}"); agreement needs at least ${minRaters} raters`
        : `found ${raters.length} raters; this statistic needs at least ${minRaters}`,
      raterLocation,
    );
  }
  for (const row of cells) for (let j = 0; j < raters.length; j++) if (row[j] === undefined) row[j] = null;

  let numeric = kind === 'number';
  if (kind === 'category') {
    numeric = cells.every((row) =>
      row.every((v) => v === null || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)))),
    );
    if (numeric)
      for (const row of cells) for (let j = 0; j < row.length; j++) if (row[j] !== null) row[j] = Number(row[j]);
  }
  return { file, subjects: [...subjectIndex.keys()], raters, cells, numeric, raterSource, raterLocation };
}

/** A statistic's RangeError (too little data, a value outside the declared categories) as bad input in this file. */
export function asInputError(err: unknown, file: string): unknown {
  return err instanceof RangeError ? new InputError(err.message, { file }) : err;
}

/** Parses --categories: numbers when every entry is a number. */
export function categoriesOption(categories: string[]): Rating[] | undefined {
  if (categories.length === 0) return undefined;
  return categories.every((c) => Number.isFinite(Number(c))) ? categories.map(Number) : categories;
}
