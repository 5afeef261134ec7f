import type { Bytes } from './bytes';

/** Thrift compact protocol type ids (a field header's low nibble, a list's element type). */
export const T = { TRUE: 1, FALSE: 2, I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 } as const;

const UTF8 = new TextEncoder();

/**
 * The Thrift compact protocol, the few parts Parquet's footer and page headers use: structs of i32, i64,
 * binary, bool and list fields, written in field id order (a field's header holds the delta from the last id).
 * Struct and list nesting is the caller's, in the order the fields are written.
 */
export class CompactWriter {
  private last = 0;
  private readonly outer: number[] = [];

  constructor(readonly out: Bytes) {}

  private field(id: number, type: number): void {
    const delta = id - this.last;
    if (delta <= 0) throw new Error(`thrift field ${id} after ${this.last}`);
    if (delta <= 15) this.out.u8((delta << 4) | type);
    else {
      this.out.u8(type);
      this.out.varint(zigzag32(id));
    }
    this.last = id;
  }

  i32(id: number, v: number): this {
    this.field(id, T.I32);
    this.out.varint(zigzag32(v));
    return this;
  }

  i64(id: number, v: number): this {
    this.field(id, T.I64);
    this.i64Value(v);
    return this;
  }

  bool(id: number, v: boolean): this {
    this.field(id, v ? T.TRUE : T.FALSE);
    return this;
  }

  string(id: number, s: string): this {
    this.field(id, T.BINARY);
    this.stringValue(s);
    return this;
  }

  /** A struct field; its fields follow, then `end()`. */
  struct(id: number): this {
    this.field(id, T.STRUCT);
    return this.begin();
  }

  /** A list field's header; its `size` elements follow (a struct element: begin(), its fields, then end()). */
  list(id: number, elementType: number, size: number): this {
    this.field(id, T.LIST);
    if (size < 15) this.out.u8((size << 4) | elementType);
    else {
      this.out.u8(0xf0 | elementType);
      this.out.varint(size);
    }
    return this;
  }

  /** The start of a struct: the outermost one, or an element of a list of structs. */
  begin(): this {
    this.outer.push(this.last);
    this.last = 0;
    return this;
  }

  end(): this {
    this.out.u8(0);
    this.last = this.outer.pop() ?? 0;
    return this;
  }

  i32Value(v: number): this {
    this.out.varint(zigzag32(v));
    return this;
  }

  stringValue(s: string): this {
    const b = UTF8.encode(s);
    this.out.varint(b.length);
    this.out.put(b);
    return this;
  }

  /** A non-negative i64 (sizes, offsets, counts): its zigzag is twice it. */
  private i64Value(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`thrift i64 out of range: ${v}`);
    this.out.varint(v * 2);
  }
}

function zigzag32(v: number): number {
  return ((v << 1) ^ (v >> 31)) >>> 0;
}
