import { IsoDate } from '../../../schemas/ids';
import type { Utterance } from '../../../schemas/transcript';
import { joinedHeaderHint, readCsvRows } from '../../../util/csv';
import { InputError } from '../../../util/errors';
import { parseClockOrSeconds, quoteIfTimeLike } from '../timestamps';
import { sequentialId } from '../turn-builder';
import type { CsvColumns, ParsedSession, ParseInput, SessionMeta, TranscriptFormat } from '../types';
import { lineLocator, validateSession } from '../validate-session';

type Field = keyof CsvColumns;
const FIELDS: readonly Field[] = ['client', 'therapist', 'session', 'date', 'speaker', 'text', 'start', 'end', 'id'];
const MISSING = new Set(['', 'NA', 'N/A', 'null']);

interface Group {
  key: string;
  client: string;
  therapist?: string;
  session: number;
  date?: string;
  line: number;
  utterances: Utterance[];
  lines: number[];
}

/**
 * Long CSV, one row per utterance: client, session, speaker, text, optional start and end (seconds or
 * hh:mm:ss), optional therapist, date and utterance id. Header names are options (--columns speaker=interlocutor).
 * Client, therapist, session and date may come from options instead of columns. Each session's rows must be
 * together; sessions stream one at a time.
 */
async function* parse(input: ParseInput): AsyncGenerator<ParsedSession> {
  const file = input.label;
  let cols: Partial<Record<Field, string>> | undefined;
  let group: Group | undefined;
  const finished = new Map<string, number>();
  let rows = 0;

  const flush = (g: Group): ParsedSession => {
    const raw = {
      client: g.client,
      therapist: g.therapist,
      session: g.session,
      date: g.date,
      utterances: g.utterances,
    };
    const locate = lineLocator(file, g.line, g.lines, (field) => cols![field as Field] ?? `--${field}`);
    const base = validateSession(raw, (path) => {
      const at = locate(path);
      const field = path[2];
      if (path[0] === 'utterances' && typeof field === 'string') {
        const name = cols![(field === 'role' ? 'speaker' : field) as Field];
        return name ? { ...at, column: name } : at;
      }
      return at;
    });
    return { transcript: base, line: g.line };
  };

  for await (const row of readCsvRows(input.path, {
    file,
    ...(input.delimiter ? { delimiter: input.delimiter } : {}),
  })) {
    rows++;
    if (!cols) cols = resolveColumns(Object.keys(row.values), input.columns, input.meta, file);
    const v = row.values;
    const at = (field: Field) => ({ file, line: row.line, column: cols![field]! });
    const cell = (field: Field) => (cols![field] === undefined ? undefined : v[cols![field]!]!.trim());

    const client = metaValue('client', cell('client'), input.meta, at);
    if (client === undefined) throw new InputError('expected a client id', at('client'));
    const session = parseSession(cell('session'), input.meta, at);
    const therapist = metaValue('therapist', cell('therapist'), input.meta, at);
    const date = metaValue('date', cell('date'), input.meta, at);
    if (date !== undefined && !IsoDate.safeParse(date).success)
      throw new InputError(
        /^\d{4}-\d{2}-\d{2}$/.test(date)
          ? 'expected a real calendar date; that day does not exist'
          : 'expected a date as YYYY-MM-DD',
        at('date'),
      );

    const key = `${client}\u0000${session}`;
    if (!group || group.key !== key) {
      if (group) {
        finished.set(group.key, group.line);
        if (!input.speakers.hasUnknown) yield flush(group);
      }
      const earlier = finished.get(key);
      if (earlier !== undefined) {
        throw new InputError(
          `rows of client ${client} session ${session} appear again here after other sessions (they start on line ${earlier}); keep each session's rows together, e.g. sort by client and session`,
          { file, line: row.line },
        );
      }
      group = { key, client, session, line: row.line, utterances: [], lines: [] };
      if (therapist !== undefined) group.therapist = therapist;
      if (date !== undefined) group.date = date;
    } else {
      if (therapist !== undefined && group.therapist !== therapist) {
        throw new InputError(
          `client ${client} session ${session} has therapist ${group.therapist} on line ${group.line} but ${therapist} here`,
          at('therapist'),
        );
      }
      if (date !== undefined && group.date !== date) {
        throw new InputError(
          `client ${client} session ${session} is dated ${group.date ?? '(none)'} on line ${group.line} but ${date} here`,
          at('date'),
        );
      }
    }

    const speaker = cell('speaker')!;
    if (speaker === '') throw new InputError('expected a speaker', at('speaker'));
    const role = input.speakers.resolve(speaker, row.line) ?? 'other';
    const u: Utterance = {
      id: cell('id') || sequentialId(group.utterances.length + 1),
      role,
      speaker,
      text: cell('text')!,
    };
    const start = time('start', cell('start'), at);
    const end = time('end', cell('end'), at);
    if (start !== undefined) u.start = start;
    if (end !== undefined) u.end = end;
    group.utterances.push(u);
    group.lines.push(row.line);
  }
  if (rows === 0)
    throw new InputError('the file has a header but no rows; expected one row per utterance', { file, line: 2 });
  input.speakers.check();
  if (group) yield flush(group);
}

function resolveColumns(
  header: string[],
  given: CsvColumns,
  meta: SessionMeta,
  file: string,
): Partial<Record<Field, string>> {
  const has = new Set(header);
  const list = header.map((h) => `"${h}"`).join(', ') + joinedHeaderHint(header);
  const out: Partial<Record<Field, string>> = {};
  for (const f of FIELDS) {
    const name = given[f];
    if (name !== undefined) {
      if (!has.has(name))
        throw new InputError(`no column "${name}" (named with --columns ${f}=${name}); the header has ${list}`, {
          file,
          line: 1,
        });
      out[f] = name;
    } else if (has.has(f)) {
      out[f] = f;
    }
  }
  for (const f of ['speaker', 'text'] as const) {
    if (!out[f])
      throw new InputError(
        `no ${f} column; name it "${f}" or map it with --columns ${f}=HEADER; the header has ${list}`,
        { file, line: 1 },
      );
  }
  for (const f of ['client', 'therapist', 'session'] as const) {
    if (!out[f] && meta[f] === undefined) {
      throw new InputError(
        `no ${f} column; add one, map it with --columns ${f}=HEADER, or give --${f} for the whole file; the header has ${list}`,
        {
          file,
          line: 1,
        },
      );
    }
  }
  return out;
}

type At = (field: Field) => { file: string; line: number; column: string };

/** A metadata cell, or the value given for the whole file when the cell or column is absent; the two must agree. */
function metaValue(
  field: 'client' | 'therapist' | 'date',
  value: string | undefined,
  meta: SessionMeta,
  at: At,
): string | undefined {
  const given = meta[field];
  if (value === undefined || value === '') {
    if (given === undefined && value === '' && field === 'therapist')
      throw new InputError('expected a therapist id', at(field));
    return given;
  }
  if (given !== undefined && given !== value)
    throw new InputError(
      `the file says ${field} ${value} but ${given} was given (by --${field} or the file name)`,
      at(field),
    );
  return value;
}

function parseSession(value: string | undefined, meta: SessionMeta, at: At): number {
  if (value === undefined || value === '') {
    if (meta.session !== undefined) return meta.session;
    throw new InputError('expected a session number (1, 2, ...)', at('session'));
  }
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InputError('expected a session number (1, 2, ...)', at('session'));
  const n = Number(value);
  if (meta.session !== undefined && meta.session !== n)
    throw new InputError(
      `the file says session ${n} but ${meta.session} was given (by --session or the file name)`,
      at('session'),
    );
  return n;
}

function time(field: 'start' | 'end', value: string | undefined, at: At): number | undefined {
  if (value === undefined || MISSING.has(value)) return undefined;
  const t = parseClockOrSeconds(value);
  if (t === undefined) {
    throw new InputError(
      `expected ${field} as seconds (75.5) or a time like 00:01:15, found${quoteIfTimeLike(value) || ' something else'}`,
      at(field),
    );
  }
  return t;
}

export const csvFormat: TranscriptFormat = { name: 'csv', extensions: ['.csv'], parse };
