import { InputError } from '../../../util/errors';
import { readCsvTable } from '../csv-table';
import { IdReader, clip, listHeader } from '../ids';
import type { ParseInput, ParsedResponses, RawResponse } from '../types';
import { describeItems } from '../wide';

export interface LongColumns {
  item: string;
  value: string;
}

export const DEFAULT_LONG_COLUMNS: LongColumns = { item: 'item', value: 'value' };

/**
 * Long CSV: one row per item answer (client, session, item, value, plus the optional id columns), grouped into
 * one questionnaire per client, session and respondent. Rows of one questionnaire may come in any order; they
 * must agree on therapist, date and submission time.
 */
export async function parseLong(
  input: ParseInput,
  columns: LongColumns = DEFAULT_LONG_COLUMNS,
): Promise<ParsedResponses> {
  const { header, rows } = await readCsvTable(input.path, input.label, input.delimiter);
  const ids = new IdReader({
    columns: input.columns,
    respondent: input.respondent,
    errors: input.errors,
    header,
    label: input.label,
  });
  for (const [k, name] of Object.entries(columns)) {
    if (!header.includes(name)) {
      throw new InputError(
        `no ${k} column "${name}"; name it with --${k}-column. The header has ${listHeader(header)}`,
        { file: input.label, line: 1 },
      );
    }
  }
  const itemSet = new Set(input.items);
  const groups = new Map<string, RawResponse>();
  const seen = new Map<string, number>();
  for (const row of rows) {
    const got = ids.read(row.values, row.line);
    const item = (row.values[columns.item] ?? '').trim();
    if (!itemSet.has(item)) {
      input.errors.add(
        item === ''
          ? 'the item id is empty'
          : `unknown item "${clip(item)}"; this form's items are ${describeItems(input.items)}`,
        {
          line: row.line,
          column: columns.item,
        },
      );
      continue;
    }
    if (!got) continue;
    const key = `${got.client}\u0000${got.session}\u0000${got.respondent}`;
    const at = seen.get(`${key}\u0000${item}`);
    if (at !== undefined) {
      input.errors.add(
        `item ${item} of client ${got.client} session ${got.session} (${got.respondent}) is also on line ${at}; keep one`,
        {
          line: row.line,
          column: columns.item,
        },
      );
      continue;
    }
    seen.set(`${key}\u0000${item}`, row.line);
    const value = { item, raw: (row.values[columns.value] ?? '').trim(), line: row.line, column: columns.value };
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { line: row.line, ...got, values: [value] });
      continue;
    }
    let agrees = true;
    for (const f of ['therapist', 'date', 'submittedAt'] as const) {
      const a = group[f];
      const b = got[f];
      if (b === undefined) continue;
      if (a === undefined) group[f] = b;
      else if (a !== b) {
        const column = f === 'submittedAt' ? input.columns.submitted : input.columns[f];
        input.errors.add(`${f} ${b} disagrees with ${a} on line ${group.line} for the same questionnaire`, {
          line: row.line,
          column,
        });
        agrees = false;
      }
    }
    if (agrees) group.values.push(value);
  }
  return { responses: [...groups.values()], rows: rows.length, skipped: 0 };
}
