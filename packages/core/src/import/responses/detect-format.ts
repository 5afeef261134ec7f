import { open } from 'node:fs/promises';
import { CsvParser, detectDelimiter, type CsvRecord } from '../../util/csv';
import { InputError } from '../../util/errors';
import type { ResponseFormat } from './types';

/**
 * Guesses the format from the file's first lines when --format is not given: Qualtrics by its ImportId header
 * row, REDCap by its redcap_* columns, long by item and value columns; anything else is wide. Only the first
 * 64 KiB are read; a wrong guess still fails loudly in the parser, naming the column it did not expect.
 */
export async function detectFormat(
  path: string,
  label: string,
  long: { item: string; value: string },
  delimiter?: string,
): Promise<ResponseFormat> {
  let head: string;
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(1 << 16);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError('file not found', { file: label });
    throw err;
  }
  let records: CsvRecord[];
  try {
    // push() without end(): only whole records come back, so a record cut off at 64 KiB is simply not seen.
    const body = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
    records = new CsvParser({ delimiter: delimiter ?? detectDelimiter(body) }).push(body);
  } catch {
    return 'wide';
  }
  const header = records[0]?.fields.map((f) => f.trim()) ?? [];
  if (records[2]?.fields[0]?.trim().startsWith('{"ImportId"')) return 'qualtrics';
  if (header.some((h) => h === 'redcap_event_name' || h === 'redcap_repeat_instrument')) return 'redcap';
  if (header.includes(long.item) && header.includes(long.value)) return 'long';
  return 'wide';
}
