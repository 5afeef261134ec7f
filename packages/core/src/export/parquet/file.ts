import type { WrittenFile } from '../csv-writer';
import { Bytes } from './bytes';
import { HashingFile } from './out';
import { snappyCompress } from './snappy';
import { CompactWriter, T } from './thrift';

/** parquet.thrift's enums, the members written here. */
export const PhysicalType = { INT32: 1, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
export const Encoding = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 } as const;
const PageType = { DATA_PAGE: 0, DICTIONARY_PAGE: 2 } as const;
const Repetition = { REQUIRED: 0, OPTIONAL: 1 } as const;
const CONVERTED_UTF8 = 0;
/** parquet.thrift's CompressionCodec. */
export const Codec = { UNCOMPRESSED: 0, SNAPPY: 1 } as const;

export interface ParquetColumn {
  name: string;
  type: keyof typeof PhysicalType;
  /** BYTE_ARRAY holding UTF-8 text (converted type UTF8). */
  utf8: boolean;
  /** OPTIONAL, with definition levels; else REQUIRED, with none. */
  optional: boolean;
}

/** A column chunk as its pages' bodies: an optional PLAIN dictionary page and one data page. */
export interface ChunkPages {
  /** The dictionary's values, PLAIN. */
  dictionary?: { values: number; body: Uint8Array };
  /** Rows of the chunk, nulls included. */
  values: number;
  encoding: (typeof Encoding)[keyof typeof Encoding];
  /** Definition levels (OPTIONAL columns: 4-byte length, RLE hybrid) then the values. */
  body: Uint8Array;
}

interface ChunkMeta {
  column: ParquetColumn;
  encodings: number[];
  values: number;
  /** The chunk's bytes in the file, and with its pages uncompressed (page headers included in both). */
  size: number;
  uncompressed: number;
  start: number;
  dataOffset: number;
  dictionaryOffset: number | undefined;
}

/**
 * A flat Parquet file written a row group at a time and a column chunk at a time, as DataPage V1 pages (what
 * every reader reads), each compressed with `codec`, with the FileMetaData in the Thrift compact protocol at the
 * end. Nothing of a row group is kept once written but its chunks' metadata.
 */
export class ParquetFileWriter {
  private readonly file: HashingFile;
  private readonly header = new Bytes(256);
  private readonly compressed = new Bytes();
  /** The open chunk's pages' size uncompressed. */
  private uncompressed = 0;
  private readonly groups: Array<{ rows: number; start: number; chunks: ChunkMeta[] }> = [];
  private rows = 0;
  private group: { rows: number; start: number; chunks: ChunkMeta[] } | undefined;

  constructor(
    path: string,
    readonly columns: readonly ParquetColumn[],
    private readonly createdBy: string,
    private readonly codec: (typeof Codec)[keyof typeof Codec] = Codec.SNAPPY,
  ) {
    this.file = new HashingFile(path);
    this.file.write(MAGIC);
  }

  /** Starts a row group of `rows` rows; its chunks follow, one per column in schema order (`chunk`). */
  beginGroup(rows: number): void {
    if (this.group) throw new Error('a row group is still open');
    this.group = { rows, start: this.file.offset, chunks: [] };
  }

  /** The open row group's next column chunk, written at once (its bodies may be reused after). */
  chunk(c: ChunkPages): void {
    const g = this.group;
    if (!g) throw new Error('no row group is open');
    const column = this.columns[g.chunks.length];
    if (!column) throw new Error('a row group has a chunk per column');
    if (c.values !== g.rows) throw new Error(`column ${column.name} has ${c.values} values of ${g.rows}`);
    g.chunks.push(this.writeChunk(column, c));
  }

  endGroup(): void {
    const g = this.group;
    if (!g || g.chunks.length !== this.columns.length) throw new Error('a row group needs a chunk per column');
    this.groups.push(g);
    this.rows += g.rows;
    this.group = undefined;
  }

  private writeChunk(column: ParquetColumn, c: ChunkPages): ChunkMeta {
    const start = this.file.offset;
    this.uncompressed = 0;
    const encodings: number[] = [];
    let dictionaryOffset: number | undefined;
    if (c.dictionary) {
      dictionaryOffset = start;
      encodings.push(Encoding.PLAIN);
      const body = this.compress(c.dictionary.body);
      const h = this.pageHeader(PageType.DICTIONARY_PAGE, c.dictionary.body.length, body.length);
      h.struct(7).i32(1, c.dictionary.values).i32(2, Encoding.PLAIN).end();
      this.page(h, body, c.dictionary.body.length);
    }
    const dataOffset = this.file.offset;
    if (!encodings.includes(c.encoding)) encodings.push(c.encoding);
    if (column.optional && !encodings.includes(Encoding.RLE)) encodings.push(Encoding.RLE);
    const body = this.compress(c.body);
    const h = this.pageHeader(PageType.DATA_PAGE, c.body.length, body.length);
    h.struct(5).i32(1, c.values).i32(2, c.encoding).i32(3, Encoding.RLE).i32(4, Encoding.RLE).end();
    this.page(h, body, c.body.length);
    const size = this.file.offset - start;
    return {
      column,
      encodings,
      values: c.values,
      size,
      uncompressed: this.uncompressed,
      start,
      dataOffset,
      dictionaryOffset,
    };
  }

  private compress(body: Uint8Array): Uint8Array {
    if (this.codec === Codec.UNCOMPRESSED) return body;
    snappyCompress(body, this.compressed.reset());
    return this.compressed.bytes();
  }

  private pageHeader(type: number, uncompressed: number, compressed: number): CompactWriter {
    return new CompactWriter(this.header.reset()).begin().i32(1, type).i32(2, uncompressed).i32(3, compressed);
  }

  private page(h: CompactWriter, body: Uint8Array, uncompressed: number): void {
    h.end();
    this.uncompressed += this.header.at + uncompressed;
    this.file.write(this.header.bytes());
    this.file.write(body);
  }

  /** The footer, then the file's hash and size. */
  close(): WrittenFile {
    if (this.group) throw new Error('a row group is still open');
    const out = new Bytes(4096 + this.groups.length * this.columns.length * 64);
    const w = new CompactWriter(out).begin();
    w.i32(1, 2);
    w.list(2, T.STRUCT, this.columns.length + 1);
    w.begin().string(4, 'root').i32(5, this.columns.length).end();
    for (const c of this.columns) {
      w.begin().i32(1, PhysicalType[c.type]);
      w.i32(3, c.optional ? Repetition.OPTIONAL : Repetition.REQUIRED).string(4, c.name);
      if (c.utf8) w.i32(6, CONVERTED_UTF8);
      w.end();
    }
    w.i64(3, this.rows);
    w.list(4, T.STRUCT, this.groups.length);
    for (const g of this.groups) {
      w.begin().list(1, T.STRUCT, g.chunks.length);
      let size = 0;
      let uncompressed = 0;
      for (const c of g.chunks) {
        size += c.size;
        uncompressed += c.uncompressed;
        w.begin().i64(2, c.start).struct(3);
        w.i32(1, PhysicalType[c.column.type]);
        w.list(2, T.I32, c.encodings.length);
        for (const e of c.encodings) w.i32Value(e);
        w.list(3, T.BINARY, 1).stringValue(c.column.name);
        w.i32(4, this.codec).i64(5, c.values).i64(6, c.uncompressed).i64(7, c.size).i64(9, c.dataOffset);
        if (c.dictionaryOffset !== undefined) w.i64(11, c.dictionaryOffset);
        w.end().end();
      }
      w.i64(2, uncompressed).i64(3, g.rows).i64(5, g.start).i64(6, size).end();
    }
    w.string(6, this.createdBy);
    // Every column ordered by its type's order (ColumnOrder's TYPE_ORDER), as readers expect with column orders.
    w.list(7, T.STRUCT, this.columns.length);
    for (let i = 0; i < this.columns.length; i++) w.begin().struct(1).end().end();
    w.end();
    const footer = out.at;
    out.u32(footer);
    out.put(MAGIC);
    this.file.write(out.bytes());
    return this.file.close();
  }
}

const MAGIC = new TextEncoder().encode('PAR1');
