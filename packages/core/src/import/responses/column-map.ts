import { basename } from 'node:path';
import { InputError } from '../../util/errors';
import { readCsvTable } from './csv-table';
import { clip } from './ids';

/** A --map file read: source name (REDCap field, Qualtrics question id or column) → item id, with its line. */
export interface ColumnMap {
  file: string;
  sourceColumn: string;
  entries: Map<string, { item: string; line: number }>;
}

/**
 * Reads a column map: a CSV with an `item` column and one other column naming where each item's value is
 * (`field` for REDCap, `question` for Qualtrics; the header word is free). Every item must be named exactly
 * once, and only the form's items may appear, so a map for another instrument is refused up front.
 */
export async function readColumnMap(path: string, items: readonly string[]): Promise<ColumnMap> {
  const label = basename(path);
  const { header, rows } = await readCsvTable(path, label);
  if (header.length !== 2 || !header.includes('item')) {
    throw new InputError(
      `a column map has two columns, "item" and the name in the export (e.g. "field" or "question"); found ${header.map((h) => `"${h}"`).join(', ')}`,
      {
        file: label,
        line: 1,
      },
    );
  }
  const sourceColumn = header.find((h) => h !== 'item')!;
  const itemSet = new Set(items);
  const entries = new Map<string, { item: string; line: number }>();
  const mapped = new Map<string, number>();
  for (const row of rows) {
    const source = row.values[sourceColumn]!.trim();
    const item = row.values.item!.trim();
    if (source === '') throw new InputError('empty name', { file: label, line: row.line, column: sourceColumn });
    if (!itemSet.has(item))
      throw new InputError(`unknown item "${clip(item)}"; this form's items are ${items.join(', ')}`, {
        file: label,
        line: row.line,
        column: 'item',
      });
    if (entries.has(source))
      throw new InputError(`"${clip(source)}" is mapped twice (also on line ${entries.get(source)!.line})`, {
        file: label,
        line: row.line,
        column: sourceColumn,
      });
    if (mapped.has(item))
      throw new InputError(`item ${item} is mapped twice (also on line ${mapped.get(item)})`, {
        file: label,
        line: row.line,
        column: 'item',
      });
    entries.set(source, { item, line: row.line });
    mapped.set(item, row.line);
  }
  const unmapped = items.filter((i) => !mapped.has(i));
  if (unmapped.length > 0)
    throw new InputError(`no entry for item${unmapped.length > 1 ? 's' : ''} ${unmapped.join(', ')}`, { file: label });
  return { file: label, sourceColumn, entries };
}
