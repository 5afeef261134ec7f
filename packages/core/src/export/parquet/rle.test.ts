import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js';
import { describe, expect, it } from 'vitest';
import { Bytes } from './bytes';
import { indexWidth, writeRleHybrid } from './rle';
import { CompactWriter, T } from './thrift';

/** values encoded, then decoded by hyparquet's reader (an independent implementation). */
function roundTrip(values: number[], width: number): { back: number[]; bytes: Uint8Array } {
  const out = new Bytes(16);
  const written = writeRleHybrid(out, Int32Array.from(values), values.length, width);
  const bytes = out.bytes().slice();
  expect(written).toBe(bytes.length);
  const back = new Array<number>(values.length).fill(-1);
  const reader = { view: new DataView(bytes.buffer), offset: 0 };
  readRleBitPackedHybrid(reader, width, back, bytes.length);
  expect(reader.offset).toBe(bytes.length);
  return { back, bytes };
}

let seed = 7;
const random = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};

describe('RLE / bit-packed hybrid', () => {
  it('gives back runs, literals, and runs after literals of any alignment', () => {
    const cases: number[][] = [
      [0],
      [1, 0, 1],
      Array(7).fill(1),
      Array(8).fill(1),
      [...Array(100_000).fill(0)],
      [1, 0, 1, ...Array(20).fill(1), 0, 0, 1],
      ...[1, 3, 5, 7, 9].map((k) => [...Array.from({ length: k }, (_, i) => i % 2), ...Array(9).fill(1), 0]),
      Array.from({ length: 10_001 }, (_, i) => (i % 1000 < 500 ? 1 : i % 2)),
    ];
    for (const values of cases) expect(roundTrip(values, 1).back).toEqual(values);
  });

  it('gives back every width from 1 to 24, the widest values included, in runs of at most 504 packed values', () => {
    for (let width = 1; width <= 24; width++) {
      const max = 2 ** width - 1;
      const values = Array.from({ length: 3_001 }, (_, i) =>
        i % 700 < 600 ? Math.floor(random() * (max + 1)) : i % 700 < 640 ? max : 5 & max,
      );
      const { back, bytes } = roundTrip(values, width);
      expect(back).toEqual(values);
      // the first 600 values: a bit-packed run of 63 groups, its header one byte, then the next run's
      expect(bytes[0]).toBe((63 << 1) | 1);
      expect(bytes[1 + 63 * width]! & 1).toBe(1);
    }
  });

  it('writes a long run as one RLE run and refuses widths it cannot write', () => {
    expect([...roundTrip(Array(1000).fill(3), 2).bytes]).toEqual([0xd0, 0x0f, 3]);
    expect(() => writeRleHybrid(new Bytes(), Int32Array.of(0), 1, 0)).toThrow(/bit width 0/);
  });

  it('gives dictionary indexes at least one bit, and enough for every entry', () => {
    expect([1, 2, 3, 4, 5, 256, 257, 1000, 50_000].map(indexWidth)).toEqual([1, 1, 2, 2, 3, 8, 9, 10, 16]);
  });
});

describe('Thrift compact protocol', () => {
  it('writes what a compact protocol reader reads: ids far apart, negatives, large i64s, long lists, nesting', () => {
    const out = new Bytes(8);
    const w = new CompactWriter(out).begin();
    w.i32(1, -5)
      .i64(2, 2 ** 40 + 3)
      .string(4, 'Ärger 🙂')
      .bool(5, true)
      .bool(6, false);
    w.list(7, T.I32, 3)
      .i32Value(0)
      .i32Value(-1)
      .i32Value(2 ** 31 - 1);
    w.list(8, T.BINARY, 20);
    for (let i = 0; i < 20; i++) w.stringValue(`s${i}`);
    w.struct(9).i32(1, 7).struct(2).end().end();
    w.list(10, T.STRUCT, 2);
    for (const v of [1, 2]) w.begin().i32(3, v).end();
    w.i32(40, 9).i64(41, 0);
    w.end();
    const read = deserializeTCompactProtocol({ view: new DataView(out.bytes().slice().buffer), offset: 0 });
    expect(read).toEqual({
      field_1: -5,
      field_2: BigInt(2 ** 40 + 3),
      field_4: new TextEncoder().encode('Ärger 🙂'),
      field_5: true,
      field_6: false,
      field_7: [0, -1, 2 ** 31 - 1],
      field_8: Array.from({ length: 20 }, (_, i) => new TextEncoder().encode(`s${i}`)),
      field_9: { field_1: 7, field_2: {} },
      field_10: [{ field_3: 1 }, { field_3: 2 }],
      field_40: 9,
      field_41: 0n,
    });
    expect(() => new CompactWriter(new Bytes()).begin().i32(2, 0).i32(1, 0)).toThrow(/field 1 after 2/);
    expect(() => new CompactWriter(new Bytes()).begin().i64(1, -1)).toThrow(/out of range/);
  });
});
