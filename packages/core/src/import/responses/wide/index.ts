import { InputError } from '../../../util/errors';
import { readColumnMap } from '../column-map';
import { readCsvTable } from '../csv-table';
import { IdReader, listHeader } from '../ids';
import type { ParseInput, ParsedResponses, RawResponse } from '../types';

/**
 * Wide CSV: one row per questionnaire, id columns (client, session, and optionally therapist, date, coder,
 * submitted_at) and one column per item, named by item id. Every other column is an error, since a column the
 * importer silently ignores is usually an item under the wrong name.
 */
export async function parseWide(input: ParseInput, opts: { map?: string } = {}): Promise<ParsedResponses> {
  const { header, rows } = await readCsvTable(input.path, input.label, input.delimiter);
  // Item → the column holding it: the item id itself, or the name a --map file gives (a lab's own headers).
  const columnOf = new Map(input.items.map((i) => [i, i]));
  if (opts.map !== undefined) {
    const map = await readColumnMap(opts.map, input.items);
    for (const [source, { item }] of map.entries) columnOf.set(item, source);
  }
  const itemColumns = new Set(columnOf.values());
  const ids = new IdReader({
    columns: input.columns,
    respondent: input.respondent,
    errors: input.errors,
    header,
    label: input.label,
  });
  for (const name of header) {
    if (ids.isIdColumn(name) || itemColumns.has(name)) continue;
    throw new InputError(
      `column "${name}" is neither an id column (${ids.idColumns().join(', ')}) nor ${opts.map !== undefined ? 'a column named in the --map file' : `an item id of this form (${describeItems(input.items)})`}`,
      { file: input.label, line: 1, column: name },
    );
  }
  const absent = input.items.filter((i) => !header.includes(columnOf.get(i)!));
  if (absent.length > 0) {
    throw new InputError(
      `no column for item${absent.length > 1 ? 's' : ''} ${absent.map((i) => (columnOf.get(i) === i ? i : `${i} ("${columnOf.get(i)}")`)).join(', ')}; every item needs a column (leave a cell empty for an unanswered item). The header has ${listHeader(header)}`,
      { file: input.label, line: 1 },
    );
  }

  const responses: RawResponse[] = [];
  let skipped = 0;
  for (const row of rows) {
    const values = input.items.map((item) => ({
      item,
      raw: (row.values[columnOf.get(item)!] ?? '').trim(),
      line: row.line,
      column: columnOf.get(item)!,
    }));
    // A row with ids but no answers is a questionnaire that was not handed in; exports carry them for every visit.
    if (values.every((v) => v.raw === '')) {
      skipped++;
      continue;
    }
    const got = ids.read(row.values, row.line);
    if (!got) continue;
    responses.push({ line: row.line, ...got, values });
  }
  return { responses, rows: rows.length, skipped };
}

/** "1 … 12" for numbered items, else the list. */
export function describeItems(items: readonly string[]): string {
  const numbered = items.every((x, i) => x === String(i + 1));
  return numbered && items.length > 3 ? `${items[0]} … ${items[items.length - 1]}` : items.join(', ');
}
