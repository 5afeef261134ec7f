import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import { csvEscape } from '../../util/csv';
import type { ColumnSpec, ColumnType } from './columns';

import type { DataFormat } from './formats';

export { DATA_FORMATS, type DataFormat } from './formats';

export type Row = Record<string, string | number | null | undefined>;

/** One table file being written, row by row, never holding more than a batch in memory. */
interface FileSink {
  file: string;
  add(row: Row): void;
  close(): void;
}

const CSV_FLUSH = 1 << 20;

/**
 * RFC 4180 with CRLF line ends, an empty cell for a missing value, UTF-8. Each line is encoded into a byte buffer
 * flushed every megabyte: concatenating a million lines into one string costs more in garbage collection than
 * the writing itself, and encoding field by field more in calls.
 */
function csvSink(path: string, columns: readonly ColumnSpec[]): FileSink {
  const fd = openSync(path, 'w');
  const names = columns.map((c) => c.name);
  const buf = Buffer.allocUnsafe(CSV_FLUSH * 2);
  let off = 0;
  // Ids, sources, instruments and scales repeat on every row; each is escaped once.
  const escaped = new Map<string, string>();
  const text = (v: string) => {
    let e = escaped.get(v);
    if (e === undefined) {
      e = csvEscape(v);
      if (escaped.size < 100_000) escaped.set(v, e);
    }
    return e;
  };
  const put = (s: string) => {
    if (off + s.length * 3 > buf.length) flush();
    if (s.length * 3 > buf.length) writeSync(fd, s);
    else off += buf.write(s, off);
  };
  const flush = () => {
    writeSync(fd, buf, 0, off);
    off = 0;
  };
  put(`${names.map(csvEscape).join(',')}\r\n`);
  return {
    file: path,
    add(row) {
      let line = '';
      for (let i = 0; i < names.length; i++) {
        if (i) line += ',';
        const v = row[names[i]!];
        if (v === null || v === undefined) continue;
        line += typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : text(v);
      }
      put(`${line}\r\n`);
      if (off > CSV_FLUSH) flush();
    },
    close() {
      flush();
      closeSync(fd);
    },
  };
}

const PARQUET_TYPE: Record<ColumnType, { type: 'BYTE_ARRAY' | 'INT32' | 'DOUBLE'; converted_type?: 'UTF8' }> = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  date: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  json: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  integer: { type: 'INT32' },
  flag: { type: 'INT32' },
  number: { type: 'DOUBLE' },
};

/** Rows per row group: large enough to compress well, small enough that a million rows stream in a few batches. */
const PARQUET_BATCH = 100_000;

/** The same columns as the CSV, typed, every column nullable; one row group per batch. */
function parquetSink(path: string, columns: readonly ColumnSpec[], rowsPerGroup: number): FileSink {
  const schema = [
    { name: 'root', num_children: columns.length },
    ...columns.map((c) => ({ name: c.name, repetition_type: 'OPTIONAL' as const, ...PARQUET_TYPE[c.type] })),
  ];
  const writer = new ParquetWriter({ writer: fileWriter(path), schema, createdBy: 'alliance-lab' });
  let batch: Array<Array<string | number | null>> = columns.map(() => []);
  let n = 0;
  const flush = () => {
    if (n === 0) return;
    writer.write({
      // Min/max statistics of text columns cost a third of the writing and help no query of these tables.
      columnData: columns.map((c, i) => ({
        name: c.name,
        data: batch[i]!,
        statistics: PARQUET_TYPE[c.type].type !== 'BYTE_ARRAY',
      })),
      rowGroupSize: n,
    });
    batch = columns.map(() => []);
    n = 0;
  };
  return {
    file: path,
    add(row) {
      for (let i = 0; i < columns.length; i++) {
        const v = row[columns[i]!.name];
        batch[i]!.push(v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? null : v);
      }
      if (++n >= rowsPerGroup) flush();
    },
    close() {
      flush();
      writer.finish();
    },
  };
}

/** A table written to each asked format at once, from one pass over its rows. */
export class TableWriter {
  rows = 0;
  private readonly sinks: FileSink[];
  constructor(
    dir: string,
    readonly name: string,
    readonly columns: readonly ColumnSpec[],
    formats: readonly DataFormat[],
    rowsPerGroup = PARQUET_BATCH,
  ) {
    this.sinks = formats.map((f) =>
      f === 'csv'
        ? csvSink(join(dir, `${name}.csv`), columns)
        : parquetSink(join(dir, `${name}.parquet`), columns, rowsPerGroup),
    );
  }
  add(row: Row): void {
    this.rows++;
    for (const s of this.sinks) s.add(row);
  }
  /** The files written, by name within the folder. */
  close(): string[] {
    for (const s of this.sinks) s.close();
    return this.sinks.map((s) => s.file.slice(s.file.lastIndexOf('/') + 1));
  }
}
