import { join } from 'node:path';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { CsvWriter, type WrittenFile } from '../csv-writer';
import { HashingFile } from '../parquet/out';
import type { ColumnSpec, ColumnType } from './columns';

import type { DataFormat } from './formats';

export { DATA_FORMATS, type DataFormat } from './formats';

export type Row = Record<string, string | number | null | undefined>;

/** One table file being written, row by row, never holding more than a batch in memory. */
export interface FileSink {
  file: string;
  add(cells: ReadonlyArray<string | number | null | undefined>): void;
  close(): WrittenFile;
}

function csvSink(path: string, columns: readonly ColumnSpec[]): FileSink {
  const w = new CsvWriter(
    path,
    columns.map((c) => c.name),
  );
  return { file: path, add: (cells) => w.row(cells), close: () => w.close() };
}

/**
 * hyparquet-writer's file writer with the SHA-256 taken as each megabyte goes out, through one descriptor held
 * open (the library's reopens the file for every chunk).
 */
function hashingFileWriter(path: string): ByteWriter & { written(): WrittenFile } {
  const writer = new ByteWriter(1 << 21);
  const file = new HashingFile(path);
  let written: WrittenFile | undefined;
  const flush = () => {
    file.write(new Uint8Array(writer.buffer, 0, writer.index));
    writer.index = 0;
  };
  writer.ensure = (size: number) => {
    if (writer.index > 1 << 20) flush();
    if (writer.index + size > writer.buffer.byteLength) {
      const grown = new ArrayBuffer(Math.max(writer.buffer.byteLength * 2, writer.index + size));
      new Uint8Array(grown).set(new Uint8Array(writer.buffer, 0, writer.index));
      writer.buffer = grown;
      writer.view = new DataView(grown);
    }
  };
  writer.finish = () => {
    flush();
    written = file.close();
  };
  return Object.assign(writer, {
    written: () => {
      if (!written) throw new Error(`${path} is not finished`);
      return written;
    },
  });
}

export const PARQUET_TYPE: Record<ColumnType, { type: 'BYTE_ARRAY' | 'INT32' | 'DOUBLE'; converted_type?: 'UTF8' }> = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  date: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  json: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  integer: { type: 'INT32' },
  flag: { type: 'INT32' },
  number: { type: 'DOUBLE' },
};

/**
 * Rows per row group: large enough to compress well, small enough that a batch and the writer's copies of it stay
 * well under the export's memory budget (100,000 rows peaked at 430 MB beside the CSV of a million scores).
 */
export const PARQUET_BATCH = 50_000;

/**
 * The same columns as the CSV, typed, nullable unless named in `required` (a column its writer never leaves
 * empty: the writer then keeps no definition levels for it, a fifth of the writing); one row group per batch.
 */
export function parquetSink(
  path: string,
  columns: readonly ColumnSpec[],
  rowsPerGroup: number,
  required: ReadonlySet<string> = new Set(),
): FileSink {
  const schema = [
    { name: 'root', num_children: columns.length },
    ...columns.map((c) => ({
      name: c.name,
      repetition_type: required.has(c.name) ? ('REQUIRED' as const) : ('OPTIONAL' as const),
      ...PARQUET_TYPE[c.type],
    })),
  ];
  const out = hashingFileWriter(path);
  const writer = new ParquetWriter({ writer: out, schema, createdBy: 'alliance-lab' });
  // One array per column, filled in place and reused for every row group (the writer copies what it encodes).
  const batch: Array<Array<string | number | null>> = columns.map(() => new Array(rowsPerGroup).fill(null));
  let n = 0;
  const flush = () => {
    if (n === 0) return;
    writer.write({
      // Min/max statistics cost a third of the writing and help no query of these tables.
      columnData: columns.map((c, i) => ({
        name: c.name,
        data: n === rowsPerGroup ? batch[i]! : batch[i]!.slice(0, n),
        statistics: false,
      })),
      rowGroupSize: n,
      // One page per column chunk: a row group's dictionary indexes fit in one, and sizing pages value by value
      // cost a tenth of the writing.
      pageSize: 0,
    });
    n = 0;
  };
  return {
    file: path,
    add(cells) {
      for (let i = 0; i < cells.length; i++) {
        const v = cells[i];
        batch[i]![n] = v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? null : v;
      }
      if (++n >= rowsPerGroup) flush();
    },
    close() {
      flush();
      writer.finish();
      return out.written();
    },
  };
}

/** What the folder's manifest and codebook take from a table once it is written. */
export type WrittenTable = Pick<TableWriter, 'rows' | 'columns' | 'written' | 'closed' | 'close'>;

/** A table written to each asked format at once, from one pass over its rows. */
export class TableWriter {
  rows = 0;
  /** Each file's SHA-256 and size, by name within the folder, once closed. */
  readonly written: Record<string, WrittenFile> = {};
  private readonly sinks: FileSink[];
  private readonly names: string[];
  private readonly cells: Array<string | number | null | undefined>;
  constructor(
    dir: string,
    readonly name: string,
    readonly columns: readonly ColumnSpec[],
    formats: readonly DataFormat[],
    rowsPerGroup = PARQUET_BATCH,
  ) {
    this.names = columns.map((c) => c.name);
    this.cells = new Array(columns.length);
    this.sinks = formats.map((f) =>
      f === 'csv'
        ? csvSink(join(dir, `${name}.csv`), columns)
        : parquetSink(join(dir, `${name}.parquet`), columns, rowsPerGroup),
    );
  }
  add(row: Row): void {
    for (let i = 0; i < this.names.length; i++) this.cells[i] = row[this.names[i]!];
    this.addCells(this.cells);
  }
  /** A row given as its cells in column order (the sinks copy what they keep). */
  addCells(cells: ReadonlyArray<string | number | null | undefined>): void {
    this.rows++;
    for (const s of this.sinks) s.add(cells);
  }
  closed = false;
  /** The files written, by name within the folder. */
  close(): string[] {
    this.closed = true;
    return this.sinks.map((s) => {
      const name = s.file.slice(s.file.lastIndexOf('/') + 1);
      this.written[name] = s.close();
      return name;
    });
  }
}
