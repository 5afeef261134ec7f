import { InputError } from '../../../util/errors';
import { readCsvTable } from '../csv-table';
import { IdReader, listHeader } from '../ids';
import type { ParseInput, ParsedResponses, RawResponse } from '../types';

/**
 * Wide CSV: one row per questionnaire, id columns (client, session, and optionally therapist, date, coder,
 * submitted_at) and one column per item, named by item id. Every other column is an error, since a column the
 * importer silently ignores is usually an item under the wrong name.
 */
export async function parseWide(input: ParseInput): Promise<ParsedResponses> {
  const { header, rows } = await readCsvTable(input.path, input.label);
  const ids = new IdReader({
    columns: input.columns,
    respondent: input.respondent,
    errors: input.errors,
    header,
    label: input.label,
  });
  const itemSet = new Set(input.items);
  for (const name of header) {
    if (ids.isIdColumn(name) || itemSet.has(name)) continue;
    throw new InputError(
      `column "${name}" is neither an id column (${ids.idColumns().join(', ')}) nor an item id of this form (${describeItems(input.items)})`,
      { file: input.label, line: 1, column: name },
    );
  }
  const absent = input.items.filter((i) => !header.includes(i));
  if (absent.length > 0) {
    throw new InputError(
      `no column for item${absent.length > 1 ? 's' : ''} ${absent.join(', ')}; every item needs a column (leave a cell empty for an unanswered item). The header has ${listHeader(header)}`,
      { file: input.label, line: 1 },
    );
  }

  const responses: RawResponse[] = [];
  let skipped = 0;
  for (const row of rows) {
    const values = input.items.map((item) => ({
      item,
      raw: (row.values[item] ?? '').trim(),
      line: row.line,
      column: item,
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
