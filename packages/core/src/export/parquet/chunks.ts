import { Bytes } from './bytes';
import { type ChunkPages, Encoding } from './file';
import { indexWidth, writeRleHybrid } from './rle';

const UTF8 = new TextEncoder();

/** A column's distinct values across the file, each numbered once: what a row's code is. */
export interface ValueTable {
  readonly size: number;
  /** Value `id`, PLAIN encoded. */
  plain(out: Bytes, id: number): void;
}

/** Texts, each UTF-8 encoded once, for a BYTE_ARRAY column. */
export class TextValues implements ValueTable {
  private readonly ids = new Map<string, number>();
  private readonly encoded: Uint8Array[] = [];
  get size(): number {
    return this.encoded.length;
  }
  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.encoded.length;
      this.ids.set(s, id);
      this.encoded.push(UTF8.encode(s));
    }
    return id;
  }
  plain(out: Bytes, id: number): void {
    const b = this.encoded[id]!;
    out.u32(b.length);
    out.put(b);
  }
}

/** 32-bit integers, for an INT32 column. */
export class IntValues implements ValueTable {
  private readonly ids = new Map<number, number>();
  private readonly values: number[] = [];
  get size(): number {
    return this.values.length;
  }
  id(v: number): number {
    let id = this.ids.get(v);
    if (id === undefined) {
      if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new Error(`not a 32-bit integer: ${v}`);
      id = this.values.length;
      this.ids.set(v, id);
      this.values.push(v);
    }
    return id;
  }
  plain(out: Bytes, id: number): void {
    out.i32(this.values[id]!);
  }
}

/**
 * REQUIRED column chunks whose rows' values are a function of an id each row has (a session, a key): row i's
 * value is `table`'s value `codeOf[ids[i]]`. A chunk's dictionary is the codes' values in the order their ids
 * first come, found by id and code without looking at a value (the ids' order, `firstSeen`, serves every column
 * of the same ids), and its data page the rows' places in it, RLE / bit-packed. The buffers are reused by the
 * next chunk.
 */
export class CodedChunkEncoder {
  private idSeen = new Int32Array(0);
  private idGeneration = 0;
  private seen = new Int32Array(0);
  private place = new Int32Array(0);
  private generation = 0;
  private placeOf = new Int32Array(0);
  private indexes = new Int32Array(0);
  private readonly dictionary = new Bytes();
  private readonly body = new Bytes();

  /** The distinct ids of ids[0..n), each below `count`, in the order they first come (found once all are). */
  firstSeen(ids: Int32Array, n: number, count: number): Int32Array {
    if (this.idSeen.length < count) {
      this.idSeen = new Int32Array(Math.max(count, this.idSeen.length * 2));
      this.idGeneration = 0;
    }
    const generation = ++this.idGeneration;
    const seen = this.idSeen;
    const order: number[] = [];
    let last = -1;
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      if (id !== last) {
        if (id < 0 || id >= count) throw new Error(`id ${id} is out of range`);
        if (seen[id] !== generation) {
          seen[id] = generation;
          if (order.push(id) === count) break;
        }
        last = id;
      }
    }
    return Int32Array.from(order);
  }

  /** The chunk of ids[0..n), whose distinct ids are `order` (firstSeen's). */
  encode(ids: Int32Array, n: number, order: Int32Array, codeOf: Int32Array, table: ValueTable): ChunkPages {
    if (this.seen.length < table.size) {
      this.seen = new Int32Array(Math.max(table.size, this.seen.length * 2));
      this.place = new Int32Array(this.seen.length);
      this.generation = 0;
    }
    if (this.placeOf.length < codeOf.length)
      this.placeOf = new Int32Array(Math.max(codeOf.length, this.placeOf.length * 2));
    if (this.indexes.length < n) this.indexes = new Int32Array(n);
    const generation = ++this.generation;
    const { seen, place, placeOf, indexes } = this;
    const dictionary = this.dictionary.reset();
    let entries = 0;
    for (const id of order) {
      const c = codeOf[id]!;
      if (!(c >= 0 && c < table.size)) throw new Error(`no value for id ${id}`);
      if (seen[c] !== generation) {
        seen[c] = generation;
        place[c] = entries++;
        table.plain(dictionary, c);
      }
      placeOf[id] = place[c]!;
    }
    for (let i = 0; i < n; i++) indexes[i] = placeOf[ids[i]!]!;
    return this.pages(n, entries);
  }

  /**
   * The chunk of an INT32 column of 0s and 1s held as bit `bit` of bytes[0..n) (flags): its dictionary the
   * first row's value, then the other if any row has it.
   */
  encodeBit(bytes: Uint8Array, n: number, bit: number): ChunkPages {
    if (this.indexes.length < n) this.indexes = new Int32Array(n);
    const indexes = this.indexes;
    const first = n ? (bytes[0]! >> bit) & 1 : 0;
    let other = 0;
    for (let i = 0; i < n; i++) other |= indexes[i] = ((bytes[i]! >> bit) & 1) ^ first;
    const dictionary = this.dictionary.reset();
    dictionary.i32(first);
    if (other) dictionary.i32(first ^ 1);
    return this.pages(n, 1 + other);
  }

  /** The data page of the chunk's indexes[0..n), into a dictionary of `entries` (the dictionary page's). */
  private pages(n: number, entries: number): ChunkPages {
    const body = this.body.reset();
    const width = indexWidth(entries);
    body.u8(width);
    writeRleHybrid(body, this.indexes, n, width);
    return {
      dictionary: { values: entries, body: this.dictionary.bytes() },
      values: n,
      encoding: Encoding.RLE_DICTIONARY,
      body: body.bytes(),
    };
  }
}

/**
 * An OPTIONAL DOUBLE column chunk: definition levels, then the present values dictionary encoded when that is
 * smaller than PLAIN (scores have few distinct values; a column of measurements would not), else PLAIN. The
 * dictionary is keyed by the values' bits, so -0 and 0 stay apart.
 */
export class DoubleChunkEncoder {
  private slots = new Int32Array(0);
  private dictionaryValues = new Float64Array(0);
  private dictionaryBits = new Uint32Array(0);
  private indexes = new Int32Array(0);
  private readonly dictionary = new Bytes();
  private readonly body = new Bytes();

  /** `present[i]` is 1 for a row with a value (its definition level), `values[0..m)` the present values. */
  encode(present: Int32Array, n: number, values: Float64Array, m: number): ChunkPages {
    const body = this.body.reset();
    body.u32(0);
    const levels = writeRleHybrid(body, present, n, 1);
    new DataView(body.buf.buffer).setUint32(0, levels, true);
    const entries = m ? this.dictionaryOf(values, m) : 0;
    const width = indexWidth(entries);
    // The dictionary's size against PLAIN's, its indexes counted as if bit-packed throughout.
    if (entries && entries * 8 + Math.ceil((m * width) / 8) + 1 < m * 8) {
      body.u8(width);
      writeRleHybrid(body, this.indexes, m, width);
      const dictionary = this.dictionary.reset();
      dictionary.room(entries * 8);
      for (let d = 0; d < entries; d++) dictionary.f64(this.dictionaryValues[d]!);
      return {
        dictionary: { values: entries, body: dictionary.bytes() },
        values: n,
        encoding: Encoding.RLE_DICTIONARY,
        body: body.bytes(),
      };
    }
    body.room(m * 8);
    for (let i = 0; i < m; i++) body.f64(values[i]!);
    return { values: n, encoding: Encoding.PLAIN, body: body.bytes() };
  }

  /** The distinct values of values[0..m) into dictionaryValues, each value's place into indexes; their count. */
  private dictionaryOf(values: Float64Array, m: number): number {
    let bits = 4;
    while (1 << bits < m * 2) bits++;
    const size = 1 << bits;
    if (this.slots.length < size) this.slots = new Int32Array(size);
    else this.slots.fill(0, 0, size);
    if (this.dictionaryValues.length < m) {
      this.dictionaryValues = new Float64Array(m);
      this.dictionaryBits = new Uint32Array(this.dictionaryValues.buffer);
    }
    if (this.indexes.length < m) this.indexes = new Int32Array(m);
    const { slots, dictionaryValues, dictionaryBits, indexes } = this;
    const valueBits = new Uint32Array(values.buffer, values.byteOffset, m * 2);
    const mask = size - 1;
    const shift = 32 - bits;
    let entries = 0;
    for (let i = 0; i < m; i++) {
      const lo = valueBits[2 * i]!;
      const hi = valueBits[2 * i + 1]!;
      let h = Math.imul(lo ^ Math.imul(hi ^ (hi >>> 15), 0x27d4eb2d), 0x9e3779b1) >>> shift;
      for (;;) {
        const s = slots[h]!;
        if (s === 0) {
          slots[h] = entries + 1;
          dictionaryValues[entries] = values[i]!;
          indexes[i] = entries++;
          break;
        }
        if (dictionaryBits[2 * (s - 1)] === lo && dictionaryBits[2 * (s - 1) + 1] === hi) {
          indexes[i] = s - 1;
          break;
        }
        h = (h + 1) & mask;
      }
    }
    return entries;
  }
}
