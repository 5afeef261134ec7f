import type { PairedSeries } from '../../../stats/grouping';
import type { SessionSeries } from '../../../stats/ruptures';
import { InputError } from '../../../util/errors';
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
}

export async function readPairedSeries(
  path: string,
  cols: { subject: string; x: string; y: string },
  minClients: number,
): Promise<PairedInput> {
  const table = await readLongTable(path, {
    subject: { name: cols.subject, kind: 'id', option: '--subject' },
    x: { name: cols.x, kind: 'number', option: '--x', allowMissing: true },
    y: { name: cols.y, kind: 'number', option: '--y', allowMissing: true },
  });
  const series = { subject: [] as string[], x: [] as number[], y: [] as number[] };
  const lines: number[] = [];
  for (const r of table.rows) {
    if (r.x === null || r.y === null) continue;
    series.subject.push(String(r.subject));
    series.x.push(r.x as number);
    series.y.push(r.y as number);
    lines.push(r.line);
  }
  const excluded = table.rows.length - lines.length;
  if (lines.length === 0)
    throw new InputError(`no row has numbers in both "${cols.x}" and "${cols.y}"`, {
      file: table.file,
      line: table.rows[0]!.line,
    });
  const clients = checkClients(table.file, series.subject, lines, cols.subject, minClients);
  for (const [name, values] of [
    [cols.x, series.x],
    [cols.y, series.y],
  ] as const) {
    if (values.every((v) => v === values[0]))
      throw new InputError(`every value is ${values[0]}: an association needs variation`, {
        file: table.file,
        line: lines[0]!,
        column: name,
      });
  }
  return { file: table.file, series, lines, excluded, clients };
}

export interface SessionInput {
  file: string;
  series: SessionSeries & { subject: string[]; session: number[]; value: number[] };
  lines: number[];
  excluded: number;
  clients: number;
}

export async function readSessionSeries(
  path: string,
  cols: { subject: string; session: string; value: string },
): Promise<SessionInput> {
  const table = await readLongTable(path, {
    subject: { name: cols.subject, kind: 'id', option: '--subject' },
    session: { name: cols.session, kind: 'number', option: '--session' },
    value: { name: cols.value, kind: 'number', option: '--value', allowMissing: true },
  });
  const series = { subject: [] as string[], session: [] as number[], value: [] as number[] };
  const lines: number[] = [];
  for (const r of table.rows) {
    if (r.value === null) continue;
    series.subject.push(String(r.subject));
    series.session.push(r.session as number);
    series.value.push(r.value as number);
    lines.push(r.line);
  }
  if (lines.length === 0)
    throw new InputError(`no row has a number in "${cols.value}"`, {
      file: table.file,
      line: table.rows[0]!.line,
      column: cols.value,
    });
  const clients = new Set(series.subject).size;
  return { file: table.file, series, lines, excluded: table.rows.length - lines.length, clients };
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
