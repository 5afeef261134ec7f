import { readCsvRecords, rowsFromRecords, type CsvRecord, type CsvRow } from '../../util/csv';
import { InputError } from '../../util/errors';

export interface CsvTable {
  /** Header names in file order (trimmed). */
  header: string[];
  rows: CsvRow[];
}

/**
 * Reads a whole CSV file with its header in file order. Response files are small (one row per questionnaire),
 * and the importer needs them whole anyway: nothing is written until every row has been checked.
 */
export async function readCsvTable(path: string, label: string, delimiter?: string): Promise<CsvTable> {
  let header: string[] = [];
  async function* tap(records: AsyncIterable<CsvRecord>): AsyncGenerator<CsvRecord> {
    let first = true;
    for await (const r of records) {
      if (first) {
        header = r.fields.map((h) => h.trim());
        first = false;
      }
      yield r;
    }
  }
  const rows: CsvRow[] = [];
  for await (const row of rowsFromRecords(
    tap(readCsvRecords(path, { file: label, ...(delimiter ? { delimiter } : {}) })),
    label,
  ))
    rows.push(row);
  if (rows.length === 0) throw new InputError('the file has a header but no data rows', { file: label, line: 2 });
  return { header, rows };
}
