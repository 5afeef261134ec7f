import { z } from 'zod';
import { IsoDate, PseudonymId } from '../../schemas/ids';
import { joinedHeaderHint } from '../../util/csv';
import { InputError } from '../../util/errors';
import type { ErrorList } from './error-list';
import type { IdColumns, RawResponse, RespondentKind } from './types';

/** The ids of one response as read from its row; RawResponse adds the line and the item values. */
export type RowIds = Omit<RawResponse, 'line' | 'values'>;

const SubmittedAt = z.string().datetime({ offset: true });

/** Which id fields this format reads from columns; REDCap, for one, takes the session from its event instead. */
export interface IdReaderOptions {
  columns: IdColumns;
  respondent: RespondentKind;
  errors: ErrorList;
  /** The file's header, to check required id columns once and to know which optional ones are present. */
  header: readonly string[];
  label: string;
  /** Read the session index from the session column (default true). */
  sessionFromColumn?: boolean;
  /** The option that names each column, for the hint in a "no such column" error. */
  options?: Partial<Record<keyof IdColumns, string>>;
}

const DEFAULT_OPTIONS: Record<keyof IdColumns, string> = {
  client: '--client-column',
  session: '--session-column',
  therapist: '--therapist-column',
  date: '--date-column',
  coder: '--coder-column',
  submitted: '--submitted-column',
};

/**
 * Reads and checks the id columns of one row. Required columns missing from the header are a header error
 * (thrown); a bad value is a row error (collected), and the row is then left out of the import.
 */
export class IdReader {
  private readonly has: Record<keyof IdColumns, boolean>;

  constructor(private readonly o: IdReaderOptions) {
    const present = new Set(o.header);
    const has = {} as Record<keyof IdColumns, boolean>;
    for (const k of Object.keys(o.columns) as Array<keyof IdColumns>) has[k] = present.has(o.columns[k]);
    this.has = has;
    const required: Array<keyof IdColumns> = ['client'];
    if (o.sessionFromColumn !== false) required.push('session');
    if (o.respondent === 'coder') required.push('coder');
    for (const k of required) {
      if (!has[k]) {
        const why = k === 'coder' ? ' (observer ratings name their coder in a column, stored as the respondent)' : '';
        throw new InputError(
          `no ${k} column "${o.columns[k]}"${why}; name it with ${(o.options ?? DEFAULT_OPTIONS)[k] ?? DEFAULT_OPTIONS[k]}. The header has ${listHeader(o.header)}`,
          { file: o.label, line: 1 },
        );
      }
    }
  }

  /** Whether the file has this id column (so it is not mistaken for an item column). */
  isIdColumn(name: string): boolean {
    return (Object.keys(this.o.columns) as Array<keyof IdColumns>).some(
      (k) => this.has[k] && this.o.columns[k] === name,
    );
  }

  /** The id columns present, in a stable order, for messages. */
  idColumns(): string[] {
    return (Object.keys(this.o.columns) as Array<keyof IdColumns>)
      .filter((k) => this.has[k])
      .map((k) => this.o.columns[k]);
  }

  read(values: Record<string, string>, line: number, session?: number): RowIds | undefined {
    const { columns, errors } = this.o;
    let ok = true;
    const bad = (message: string, column: string) => {
      errors.add(message, { line, column });
      ok = false;
    };
    const pseudonym = (k: 'client' | 'therapist' | 'coder', required: boolean): string | undefined => {
      const raw = (values[columns[k]] ?? '').trim();
      if (raw === '') {
        if (required) bad(`the ${k} id is empty`, columns[k]);
        return undefined;
      }
      if (!PseudonymId.safeParse(raw).success) {
        bad(
          `"${clip(raw)}" is not a pseudonymous ${k} id (letters, digits, ".", "_" or "-", no spaces, at most 64 characters)`,
          columns[k],
        );
        return undefined;
      }
      return raw;
    };

    const client = pseudonym('client', true);
    let index = session;
    if (this.o.sessionFromColumn !== false) {
      const raw = (values[columns.session] ?? '').trim();
      index = parseSessionIndex(raw);
      if (index === undefined)
        bad(
          raw === '' ? 'the session index is empty' : `session must be a whole number from 1, found "${clip(raw)}"`,
          columns.session,
        );
    }
    const therapist = this.has.therapist ? pseudonym('therapist', false) : undefined;
    let date: string | undefined;
    if (this.has.date) {
      const raw = (values[columns.date] ?? '').trim();
      if (raw !== '') {
        if (IsoDate.safeParse(raw).success) date = raw;
        else if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) bad(`"${clip(raw)}" is not a day on the calendar`, columns.date);
        else bad(`the date must be YYYY-MM-DD, found "${clip(raw)}"`, columns.date);
      }
    }
    let submittedAt: string | undefined;
    if (this.has.submitted) {
      const raw = (values[columns.submitted] ?? '').trim();
      if (raw !== '') {
        if (SubmittedAt.safeParse(raw).success) submittedAt = raw;
        else
          bad(
            `the submission time must be ISO 8601 with a time zone (2026-03-02T14:05:00Z), found "${clip(raw)}"`,
            columns.submitted,
          );
      }
    }
    let respondent: string | undefined = this.o.respondent;
    if (this.o.respondent === 'coder') respondent = pseudonym('coder', true);

    if (!ok || client === undefined || index === undefined || respondent === undefined) return undefined;
    return {
      client,
      session: index,
      respondent,
      ...(therapist !== undefined ? { therapist } : {}),
      ...(date !== undefined ? { date } : {}),
      ...(submittedAt !== undefined ? { submittedAt } : {}),
    };
  }
}

/** A session index is a whole number from 1; "3.0" or "3a" are refused, since they mean the column is not what we think. */
export function parseSessionIndex(raw: string): number | undefined {
  if (!/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

export function listHeader(header: readonly string[]): string {
  const shown = header.slice(0, 12).map((h) => `"${h}"`);
  return shown.join(', ') + (header.length > 12 ? `, … (${header.length} columns)` : '') + joinedHeaderHint(header);
}

/** Values are shown in messages shortened: they are questionnaire answers or ids, never transcript text. */
export function clip(s: string, n = 40): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
