import type { PairedSeries } from '../../../stats/grouping';
import type { SessionSeries } from '../../../stats/ruptures';
import { InputError, UsageError } from '../../../util/errors';
import { dataSource, type StudyScoreOptions } from './data-source';
import { readLongTable } from './input';

/**
 * Long CSV readers for the association and rupture commands: sessions nested in clients. Rows whose value
 * columns are empty or NA are set aside and counted (a missed questionnaire is normal); anything else that
 * is not a number is an error naming the line and column.
 */

export interface PairedInput {
  file: string;
  series: PairedSeries & { subject: string[]; x: number[]; y: number[] };
  /** CSV line of each kept row. */
  lines: number[];
  excluded: number;
  clients: number;
  /** The measures' column names (with --study, the wide columns the sources resolved to). */
  x: string;
  y: string;
}

/** The association commands' options: a CSV's columns, or a study's sources (see study-input.ts). */
export interface PairedOptions extends Partial<StudyScoreOptions> {
  in?: string | undefined;
  subject: string;
  x?: string | undefined;
  y?: string | undefined;
}

/**
 * Reads x and y per session: from a long CSV (--subject, --x, --y columns; x and y default to columns "x" and
 * "y"), or from a study, where the subject is the client, the session the repeated unit, and --x and --y name
 * two sources.
 */
export async function readPairedSeries(o: PairedOptions, minClients: number): Promise<PairedInput> {
  const source = dataSource(o);
  if (source.kind === 'study') {
    if (o.x === undefined || o.y === undefined)
      throw new UsageError('with --study, name the two sources with --x and --y (client, a coder id, a rater name)');
    const { studyPairs } = await import('./study-input');
    const pairs = await studyPairs(source.study, o.x, o.y);
    return pairedSeries(pairs.file, pairs.rows, { subject: 'client', ...pairs.cols }, minClients);
  }
  const cols = { subject: o.subject, x: o.x ?? 'x', y: o.y ?? 'y' };
  const table = await readLongTable(source.file, {
    subject: { name: cols.subject, kind: 'id', option: '--subject' },
    x: { name: cols.x, kind: 'number', option: '--x', allowMissing: true },
    y: { name: cols.y, kind: 'number', option: '--y', allowMissing: true },
  });
  return pairedSeries(
    table.file,
    table.rows.map((r) => ({
      subject: String(r.subject),
      x: r.x as number | null,
      y: r.y as number | null,
      line: r.line,
    })),
    cols,
    minClients,
  );
}

/** The one builder of paired series, behind the CSV reader and the study adapter. */
export function pairedSeries(
  file: string,
  rows: ReadonlyArray<{ subject: string; x: number | null; y: number | null; line: number }>,
  cols: { subject: string; x: string; y: string },
  minClients: number,
): PairedInput {
  const series = { subject: [] as string[], x: [] as number[], y: [] as number[] };
  const lines: number[] = [];
  for (const r of rows) {
    if (r.x === null || r.y === null) continue;
    series.subject.push(r.subject);
    series.x.push(r.x);
    series.y.push(r.y);
    lines.push(r.line);
  }
  const excluded = rows.length - lines.length;
  if (lines.length === 0)
    throw new InputError(`no row has numbers in both "${cols.x}" and "${cols.y}"`, {
      file,
      ...(rows[0] ? { line: rows[0].line } : {}),
    });
  const clients = checkClients(file, series.subject, lines, cols.subject, minClients);
  for (const [name, values] of [
    [cols.x, series.x],
    [cols.y, series.y],
  ] as const) {
    if (values.every((v) => v === values[0]))
      throw new InputError(`every value is ${values[0]}: an association needs variation`, {
        file,
        line: lines[0]!,
        column: name,
      });
  }
  return { file, series, lines, excluded, clients, x: cols.x, y: cols.y };
}

export interface SessionInput {
  file: string;
  series: SessionSeries & { subject: string[]; session: number[]; value: number[] };
  lines: number[];
  excluded: number;
  clients: number;
}

/**
 * Reads one score per session: from a long CSV (--subject, --session, --value columns; value defaults to
 * "value"), or from a study, where --value names a source and the client and session number come with it.
 */
export async function readSessionSeries(
  o: Partial<StudyScoreOptions> & {
    in?: string | undefined;
    subject: string;
    session: string;
    value?: string | undefined;
  },
): Promise<SessionInput> {
  const source = dataSource(o);
  if (source.kind === 'study') {
    if (o.value === undefined)
      throw new UsageError('with --study, name the source to screen with --value (client, a coder id, a rater name)');
    const { studySessions } = await import('./study-input');
    const s = await studySessions(source.study, o.value);
    return sessionSeries(s.file, s.rows, s.column);
  }
  const cols = { subject: o.subject, session: o.session, value: o.value ?? 'value' };
  const table = await readLongTable(source.file, {
    subject: { name: cols.subject, kind: 'id', option: '--subject' },
    session: { name: cols.session, kind: 'number', option: '--session' },
    value: { name: cols.value, kind: 'number', option: '--value', allowMissing: true },
  });
  return sessionSeries(
    table.file,
    table.rows.map((r) => ({
      subject: String(r.subject),
      session: r.session as number,
      value: r.value as number | null,
      line: r.line,
    })),
    cols.value,
  );
}

/** The one builder of session series, behind the CSV reader and the study adapter. */
export function sessionSeries(
  file: string,
  rows: ReadonlyArray<{ subject: string; session: number; value: number | null; line: number }>,
  valueColumn: string,
): SessionInput {
  const series = { subject: [] as string[], session: [] as number[], value: [] as number[] };
  const lines: number[] = [];
  for (const r of rows) {
    if (r.value === null) continue;
    series.subject.push(r.subject);
    series.session.push(r.session);
    series.value.push(r.value);
    lines.push(r.line);
  }
  if (lines.length === 0)
    throw new InputError(`no row has a number in "${valueColumn}"`, {
      file,
      ...(rows[0] ? { line: rows[0].line } : {}),
      column: valueColumn,
    });
  const clients = new Set(series.subject).size;
  return { file, series, lines, excluded: rows.length - lines.length, clients };
}

/** Repeated-measures statistics need several clients; one is a wrong --subject column more often than not. */
function checkClients(file: string, subjects: string[], lines: number[], column: string, min: number): number {
  const distinct = new Set(subjects);
  if (distinct.size < min) {
    const only = [...distinct].map((s) => `"${s}"`).join(', ');
    throw new InputError(
      `column "${column}" has ${distinct.size === 1 ? 'only one client' : `only ${distinct.size} clients`} (${only}); this statistic needs at least ${min} (is --subject the client id column?)`,
      { file, line: lines[0]!, column },
    );
  }
  return distinct.size;
}

/** A statistic's RangeError, reported as bad input in this file. */
export function inputErrorFrom(err: unknown, file: string): unknown {
  return err instanceof RangeError ? new InputError(err.message, { file }) : err;
}
