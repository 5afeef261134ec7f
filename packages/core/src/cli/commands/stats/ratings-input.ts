import type { CommandContext, OptionSpec } from '../../command';
import { InputError, UsageError, type InputLocation } from '../../../util/errors';
import { readLongTable, readWideTable } from './input';

/**
 * Reads ratings for the reliability commands (icc, alpha, kappa, fleiss, ac) into a subjects × raters matrix,
 * from a long CSV (one row per rating: --subject, --rater, --value) or, with --wide, one row per subject and one
 * column per rater. Empty or NA values are missing ratings. A subject rated twice by the same rater, a rater
 * column with a single rater, or a value that is not a number where numbers are needed is an error naming the
 * file, line and column.
 */

export const RATING_OPTIONS: Record<string, OptionSpec> = {
  in: {
    type: 'string',
    placeholder: 'FILE.csv',
    description: 'CSV of ratings: long (one row per rating) unless --wide',
    required: true,
  },
  subject: { type: 'string', placeholder: 'COL', description: 'subject (unit) id column', default: 'subject' },
  rater: { type: 'string', placeholder: 'COL', description: 'rater id column (long format)', default: 'rater' },
  value: { type: 'string', placeholder: 'COL', description: 'rating column (long format)', default: 'value' },
  wide: {
    type: 'boolean',
    description: 'one row per subject, one column per rater (every column but --subject, unless --raters)',
  },
  raters: {
    type: 'string',
    placeholder: 'A,B',
    multiple: true,
    description: 'use only these raters (rater ids, or rater columns with --wide)',
  },
};

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
  ctx: CommandContext,
  kind: 'number' | 'category',
  minRaters = 2,
): Promise<RatingsMatrix> {
  const path = ctx.need('in');
  const subjectCol = ctx.need('subject');
  const only = ctx.list('raters');
  let file: string;
  let rows: Array<{ subject: string; rater: string; value: Rating | null; line: number }>;
  let raterColumn: string;
  if (ctx.bool('wide')) {
    const wide = await readWideTable(path, { subject: subjectCol, kind, ...(only.length ? { raters: only } : {}) });
    file = wide.file;
    rows = wide.rows.map((r) => ({ ...r, value: r.value as Rating | null }));
    raterColumn = '';
  } else {
    raterColumn = ctx.need('rater');
    const table = await readLongTable(path, {
      subject: { name: subjectCol, kind: 'id', option: '--subject' },
      rater: { name: raterColumn, kind: 'id', option: '--rater' },
      value: { name: ctx.need('value'), kind, option: '--value', allowMissing: true },
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
          column: ctx.bool('wide') ? subjectCol : raterColumn,
        },
      );
    }
    seen.set(key, r.line);
    cells[i]![j] = r.value;
  }
  const raters = [...raterIndex.keys()];
  const wide = ctx.bool('wide');
  const raterSource = wide ? 'the header' : `column "${raterColumn}"`;
  const raterLocation: InputLocation = wide
    ? { file, line: 1 }
    : { file, line: rows[0]?.line ?? 2, column: raterColumn };
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
export function categoriesOption(ctx: CommandContext): Rating[] | undefined {
  const list = ctx.list('categories');
  if (list.length === 0) return undefined;
  return list.every((c) => Number.isFinite(Number(c))) ? list.map(Number) : list;
}

export function choice<T extends string>(ctx: CommandContext, name: string, allowed: readonly T[], fallback: T): T {
  const v = ctx.str(name) ?? fallback;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${v}"`);
  }
  return v as T;
}
