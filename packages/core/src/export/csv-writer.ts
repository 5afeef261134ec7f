import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { csvEscape } from '../util/csv';

/** What a written file was: its SHA-256 and size, computed as it was written, so it is never read back. */
export interface WrittenFile {
  sha256: string;
  bytes: number;
}

const FLUSH = 1 << 20;
/** The longest cell putNumber writes: a safe integer has 17 characters, String(double) at most 25. */
export const NUMBER_BYTES = 32;
const SLOT_BITS = 16;
const BITS_F64 = new Float64Array(1);
const BITS_U32 = new Uint32Array(BITS_F64.buffer);
/** Distinct texts and numbers whose encoded cells are kept: ids, sources, scales and scores repeat. */
const CACHED_VALUES = 100_000;
/**
 * What the kept texts may take, roughly (the string, its bytes and the map's entry): a table of texts that never
 * repeat (the audit's before and after) would otherwise keep its first hundred thousand, tens of megabytes.
 */
const CACHED_TEXT_BYTES = 8 << 20;
/** A map entry's own cost, roughly, beside its string and bytes. */
const ENTRY_BYTES = 64;
const SMALL_INTS = 4096;

/**
 * A CSV file written row by row (RFC 4180 quoting as csvEscape does it, an empty cell for a missing or non-finite
 * value, UTF-8) into a one-megabyte buffer that goes to the file with a blocking write when full: the write is
 * the backpressure, and a caller stepping a SQLite statement may not await anyway. Cells are encoded straight
 * into the buffer: a text once per distinct value, small integers from a table, other numbers as ASCII; building
 * a string per line and encoding it cost three times as much at a million rows. The SHA-256 is taken of each
 * buffer as it goes out.
 */
export class CsvWriter {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(FLUSH * 2);
  private off = 0;
  private bytes = 0;
  private readonly hash: Hash = createHash('sha256');
  private readonly texts = new Map<string, Buffer>();
  private textBytesKept = 0;
  private readonly numbers = new Map<number, Buffer>();
  private readonly last: unknown[] = [];
  private readonly lastBytes: Buffer[] = [];
  /** The bytes that end a record. */
  readonly eol: Buffer;
  rows = 0;
  /** putNumber's cache: each slot's value, its text's length (0: empty) and the text, NUMBER_BYTES a slot. */
  private readonly slotValue = new Float64Array(1 << SLOT_BITS);
  private readonly slotLength = new Uint8Array(1 << SLOT_BITS);
  private readonly slots = new Uint8Array(NUMBER_BYTES << SLOT_BITS);

  constructor(
    readonly path: string,
    header: readonly string[],
    opts: { eol?: '\r\n' | '\n'; fd?: number } = {},
  ) {
    this.fd = opts.fd ?? openSync(path, 'w');
    this.eol = Buffer.from(opts.eol ?? '\r\n');
    this.putText(header.map(csvEscape).join(','));
    this.putBytes(this.eol);
  }

  /** One record, its cells in header order. */
  row(cells: ArrayLike<string | number | boolean | null | undefined>): void {
    const last = this.last;
    const lastBytes = this.lastBytes;
    for (let i = 0; i < cells.length; i++) {
      if (i) {
        // A long text may have filled the buffer to its end.
        if (this.off === this.buf.length) this.flush();
        this.buf[this.off++] = 44;
      }
      const v = cells[i];
      if (v === null || v === undefined) continue;
      // Runs of one value down a column (a client's rows, a session's source) skip even the cache lookup.
      if (v === last[i]) {
        this.putBytes(lastBytes[i]!);
        continue;
      }
      const b = typeof v === 'number' ? this.numberBytes(v) : this.textBytes(typeof v === 'string' ? v : String(v));
      if (b === undefined) continue;
      last[i] = v;
      lastBytes[i] = b;
      this.putBytes(b);
    }
    this.putBytes(this.eol);
    this.rows++;
    if (this.off > FLUSH) this.flush();
  }

  /**
   * A cell's bytes as `row` writes them (undefined for an empty cell), for a caller that writes a record from
   * cells it encoded once and keeps (`put`, `endRecord`).
   */
  encode(v: string | number | boolean | null | undefined): Buffer | undefined {
    if (v === null || v === undefined) return undefined;
    return typeof v === 'number' ? this.numberBytes(v) : this.textBytes(typeof v === 'string' ? v : String(v));
  }

  /** Bytes of the record being written: encoded cells, and the commas between them. */
  put(b: Buffer): void {
    this.putBytes(b);
  }

  /** Ends a record written with `put`. */
  endRecord(): void {
    this.putBytes(this.eol);
    this.rows++;
    if (this.off > FLUSH) this.flush();
  }

  /**
   * Room for `bytes` more bytes, to be written straight into `buffer` from `offset` by a caller that formats
   * records itself (the scores table's million rows); `advance` then takes the new offset.
   */
  room(bytes: number): void {
    if (this.off + bytes > this.buf.length) this.flush();
    if (bytes > this.buf.length) throw new Error(`a CSV record of ${bytes} bytes is longer than the buffer`);
  }

  get buffer(): Buffer {
    return this.buf;
  }

  get offset(): number {
    return this.off;
  }

  /** Takes what was written into `buffer` up to `offset`: `records` whole records. */
  advance(offset: number, records: number): void {
    this.off = offset;
    this.rows += records;
    if (this.off > FLUSH) this.flush();
  }

  /**
   * Writes a number's cell at `at` in `buffer` as `row` does (nothing when it is not finite), returning where it
   * ends: integers digit by digit, other numbers from the cache of their text. At most NUMBER_BYTES bytes.
   */
  putNumber(at: number, v: number): number {
    const buf = this.buf;
    if (Number.isSafeInteger(v)) {
      // -0 is written as String(-0) writes it.
      if (v === 0) {
        buf[at] = 48;
        return at + 1;
      }
      let x = v;
      if (x < 0) {
        buf[at++] = 45;
        x = -x;
      }
      let end = at;
      for (let y = x; y >= 1; y = Math.floor(y / 10)) end++;
      for (let p = end; x >= 1; x = Math.floor(x / 10)) buf[--p] = 48 + (x % 10);
      return end;
    }
    if (!Number.isFinite(v)) return at;
    // A direct-mapped cache of the numbers' texts, by the bits of the double: a Map lookup and a Buffer per value
    // cost more than the rest of a record.
    BITS_F64[0] = v;
    const slotOf = Math.imul(BITS_U32[0]! ^ BITS_U32[1]!, 0x9e3779b1) >>> (32 - SLOT_BITS);
    const slot = slotOf * NUMBER_BYTES;
    const pool = this.slots;
    let len = this.slotLength[slotOf]!;
    if (len === 0 || this.slotValue[slotOf] !== v) {
      const text = String(v);
      len = text.length;
      for (let i = 0; i < len; i++) pool[slot + i] = text.charCodeAt(i);
      this.slotValue[slotOf] = v;
      this.slotLength[slotOf] = len;
    }
    for (let i = 0; i < len; i++) buf[at + i] = pool[slot + i]!;
    return at + len;
  }

  /** Flushes and closes the file (not a descriptor given by the caller, such as stdout). */
  close(ownFd = true): WrittenFile {
    this.flush();
    if (ownFd) closeSync(this.fd);
    return { sha256: this.hash.digest('hex'), bytes: this.bytes };
  }

  /** A number's cell; undefined for a non-finite one, which is written empty. */
  private numberBytes(v: number): Buffer | undefined {
    if (Number.isInteger(v) && v >= 0 && v < SMALL_INTS) return smallInt(v);
    let b = this.numbers.get(v);
    if (b === undefined) {
      if (!Number.isFinite(v)) return undefined;
      // Scores take few distinct values (means of integer items), and formatting a double costs far more than
      // finding it again.
      b = Buffer.from(String(v), 'latin1');
      if (this.numbers.size < CACHED_VALUES) this.numbers.set(v, b);
    }
    return b;
  }

  private textBytes(v: string): Buffer {
    let b = this.texts.get(v);
    if (b === undefined) {
      b = Buffer.from(csvEscape(v));
      if (this.textBytesKept < CACHED_TEXT_BYTES && b.length <= 256) {
        this.texts.set(v, b);
        this.textBytesKept += 2 * v.length + b.length + ENTRY_BYTES;
      }
    }
    return b;
  }

  private putText(s: string): void {
    if (this.off + s.length * 3 > this.buf.length) this.flush();
    if (s.length * 3 > this.buf.length) this.write(Buffer.from(s));
    else this.off += this.buf.write(s, this.off);
  }

  private putBytes(b: Buffer): void {
    if (this.off + b.length > this.buf.length) this.flush();
    if (b.length > this.buf.length) {
      this.write(b);
      return;
    }
    if (b.length <= 16) for (let i = 0; i < b.length; i++) this.buf[this.off++] = b[i]!;
    else {
      b.copy(this.buf, this.off);
      this.off += b.length;
    }
  }

  private flush(): void {
    if (this.off === 0) return;
    this.write(this.buf.subarray(0, this.off));
    this.off = 0;
  }

  private write(b: Buffer): void {
    this.hash.update(b);
    this.bytes += b.length;
    let done = 0;
    while (done < b.length) done += writeSync(this.fd, b, done, b.length - done);
  }
}

const INTS: Buffer[] = [];
function smallInt(v: number): Buffer {
  let b = INTS[v];
  if (b === undefined) INTS[v] = b = Buffer.from(String(v));
  return b;
}
