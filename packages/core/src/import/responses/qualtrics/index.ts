import { readCsvRecords, type CsvRecord } from '../../../util/csv';
import { InputError } from '../../../util/errors';
import { readColumnMap } from '../column-map';
import { IdReader, clip } from '../ids';
import { findNumberedGroup } from '../item-columns';
import type { ParseInput, ParsedResponses, RawResponse } from '../types';
import { isCalendarDate } from '../../../util/time';
import { qualtricsTime } from './time';

export interface QualtricsOptions {
  /** --map: question → item CSV; the question is a column name (Q4_2) or an ImportId (QID4_2). */
  map?: string;
}

interface Column {
  name: string;
  index: number;
  importId?: string;
  timeZone?: string;
}

/**
 * Response Type is a bit set: 1 preview, 2 test, 4 imported, 8 spam, 16 offline. Previews, tests and spam are
 * not data; imported and offline responses are. Text exports spell the same states out.
 */
const NOT_DATA_BITS = 1 | 2 | 8;
const STATUS_TEXT: Record<string, boolean> = {
  'ip address': true,
  imported: true,
  offline: true,
  'survey preview': false,
  'survey test': false,
  spam: false,
  'preview spam': false,
  'imported spam': false,
  'offline survey preview': false,
};

/**
 * A Qualtrics CSV export: row 1 column names, row 2 question text, row 3 ImportId JSON. Ids come from embedded
 * data fields (client, session, …); preview, test and spam rows and unfinished responses are skipped. Identifying
 * columns Qualtrics adds (IP address, location, recipient name and e-mail) are never read.
 */
export async function parseQualtrics(input: ParseInput, opts: QualtricsOptions = {}): Promise<ParsedResponses> {
  const records: CsvRecord[] = [];
  for await (const r of readCsvRecords(input.path, {
    file: input.label,
    ...(input.delimiter ? { delimiter: input.delimiter } : {}),
  }))
    records.push(r);
  if (records.length === 0)
    throw new InputError('the file is empty; expected a Qualtrics export with three header rows', {
      file: input.label,
      line: 1,
    });
  const names = records[0]!.fields.map((h) => h.trim());
  const width = names.length;
  for (const r of records) {
    if (r.fields.length !== width && !(r.fields.length === 1 && r.fields[0] === '')) {
      throw new InputError(
        `expected ${width} fields as in the header, found ${r.fields.length}; check the quoting on this or the previous row`,
        {
          file: input.label,
          line: r.line,
        },
      );
    }
  }
  const importRow = records[2];
  if (!records[1] || !importRow?.fields[0]?.trim().startsWith('{')) {
    throw new InputError(
      'expected Qualtrics\' three header rows (column names, question text, ImportId JSON); export as CSV with "Use numeric values" and without removing the header rows',
      { file: input.label, line: importRow?.line ?? 2 },
    );
  }
  const columns: Column[] = names.map((name, index) => {
    const cell = importRow.fields[index]!.trim();
    if (cell === '') return { name, index };
    try {
      const j = JSON.parse(cell) as { ImportId?: unknown; timeZone?: unknown };
      return {
        name,
        index,
        ...(typeof j.ImportId === 'string' ? { importId: j.ImportId } : {}),
        ...(typeof j.timeZone === 'string' ? { timeZone: j.timeZone } : {}),
      };
    } catch {
      throw new InputError(`the ImportId header cell is not JSON: ${clip(cell)}`, {
        file: input.label,
        line: importRow.line,
        column: name,
      });
    }
  });
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new InputError(`the header names column "${dup}" twice`, { file: input.label, line: 1 });

  const itemColumn = await itemColumns(input, columns, opts);
  const ids = new IdReader({
    columns: input.columns,
    respondent: input.respondent,
    errors: input.errors,
    header: names,
    label: input.label,
    ...(names.includes('ExternalReference')
      ? { options: { client: '--client-column (ExternalReference holds the external data reference)' } }
      : {}),
  });
  const byName = new Map(columns.map((c) => [c.name, c]));
  const status = byName.get('Status');
  const finished = byName.get('Finished');
  const end = byName.get('EndDate') ?? byName.get('RecordedDate');
  if (end?.timeZone) {
    try {
      qualtricsTime('2000-01-01 00:00:00', end.timeZone);
    } catch {
      throw new InputError(`unknown time zone "${clip(end.timeZone)}"`, {
        file: input.label,
        line: importRow.line,
        column: end.name,
      });
    }
  }

  const responses: RawResponse[] = [];
  let rows = 0;
  let skipped = 0;
  for (const rec of records.slice(3)) {
    if (rec.fields.length === 1 && rec.fields[0] === '') continue;
    rows++;
    const cell = (c: Column) => rec.fields[c.index]!.trim();
    if (status) {
      const keep = isData(cell(status));
      if (keep === undefined) {
        input.errors.add(`unknown response type "${clip(cell(status))}"`, { line: rec.line, column: status.name });
        continue;
      }
      if (!keep) {
        skipped++;
        continue;
      }
    }
    if (finished) {
      const f = cell(finished).toLowerCase();
      if (f === '0' || f === 'false') {
        skipped++;
        continue;
      }
      if (f !== '1' && f !== 'true') {
        input.errors.add(`Finished should be 1 or 0 (True or False), found "${clip(cell(finished))}"`, {
          line: rec.line,
          column: finished.name,
        });
        continue;
      }
    }
    const values = input.items.map((item) => {
      const c = itemColumn.get(item)!;
      return { item, raw: cell(c), line: rec.line, column: c.name };
    });
    if (values.every((v) => v.raw === '')) {
      skipped++;
      continue;
    }
    const rowValues: Record<string, string> = {};
    for (const c of columns) rowValues[c.name] = rec.fields[c.index]!;
    const got = ids.read(rowValues, rec.line);
    if (!got) continue;
    if (got.submittedAt === undefined && end && cell(end) !== '') {
      const at = qualtricsTime(cell(end), end.timeZone);
      if (at) got.submittedAt = at;
      else if (/^\d{4}-\d{2}-\d{2}/.test(cell(end)) && !isCalendarDate(cell(end).slice(0, 10))) {
        input.errors.add(`"${clip(cell(end))}" is not a day on the calendar`, { line: rec.line, column: end.name });
        continue;
      } else if (!/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$/.test(cell(end))) {
        input.errors.add(`expected a date and time, found "${clip(cell(end))}"`, { line: rec.line, column: end.name });
        continue;
      }
    }
    responses.push({ line: rec.line, ...got, values });
  }
  if (rows === 0)
    throw new InputError('the export has its header rows but no responses', {
      file: input.label,
      line: importRow.line + 1,
    });
  return { responses, rows, skipped };
}

function isData(status: string): boolean | undefined {
  if (/^\d+$/.test(status)) return (Number(status) & NOT_DATA_BITS) === 0;
  return STATUS_TEXT[status.toLowerCase()];
}

/** item id → the column holding it: from --map, else columns named by item id, else one numbered question block. */
async function itemColumns(input: ParseInput, columns: Column[], opts: QualtricsOptions): Promise<Map<string, Column>> {
  const out = new Map<string, Column>();
  if (opts.map) {
    const map = await readColumnMap(opts.map, input.items);
    for (const [source, { item, line }] of map.entries) {
      const c = columns.find((x) => x.name === source) ?? columns.find((x) => x.importId === source);
      if (!c)
        throw new InputError(`the export has no column or ImportId "${clip(source)}"`, {
          file: map.file,
          line,
          column: map.sourceColumn,
        });
      out.set(item, c);
    }
    return out;
  }
  if (input.items.every((i) => columns.some((c) => c.name === i))) {
    for (const i of input.items) out.set(i, columns.find((c) => c.name === i)!);
    return out;
  }
  for (const key of ['name', 'importId'] as const) {
    const found = findNumberedGroup(
      columns.map((c) => c[key] ?? ''),
      input.items,
    );
    if ('byItem' in found) {
      for (const [item, value] of found.byItem) out.set(item, columns.find((c) => c[key] === value)!);
      return out;
    }
  }
  throw new InputError(
    `cannot tell which columns hold items ${input.items.join(', ')}: no question block is numbered exactly so; give a --map file with columns question,item (question: a column name such as Q4_2 or an ImportId such as QID4_2)`,
    { file: input.label, line: 1 },
  );
}
