import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../../test/support/temp-dir';
import { DoubleChunkEncoder } from './chunks';
import { Codec, ParquetFileWriter } from './file';

/** One OPTIONAL DOUBLE column `x` of `values` (null: no value), one row group, read back by hyparquet. */
async function roundTrip(values: Array<number | null>, codec: (typeof Codec)[keyof typeof Codec]) {
  const path = join(tempDir('parquet-chunks-'), 'x.parquet');
  const w = new ParquetFileWriter(path, [{ name: 'x', type: 'DOUBLE', utf8: false, optional: true }], 'test', codec);
  const present = Int32Array.from(values, (v) => (v === null ? 0 : 1));
  const kept = Float64Array.from(values.filter((v) => v !== null));
  w.beginGroup(values.length);
  w.chunk(new DoubleChunkEncoder().encode(present, values.length, kept, kept.length));
  w.endGroup();
  w.close();
  const b = readFileSync(path);
  const file = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  const md = parquetMetadata(file).row_groups[0]!.columns[0]!.meta_data!;
  return { rows: await parquetReadObjects({ file }), encodings: md.encodings, codec: md.codec };
}

describe('a DOUBLE column chunk', () => {
  it('keeps values apart that differ only in their low bits, in a dictionary crowded enough to collide', async () => {
    // 25,000 values a bit above 1 (scattered low words, one high word), each twice: a dictionary still smaller
    // than PLAIN
    const low = (k: number) => (Math.imul(k, 2654435761) >>> 0) % 2 ** 31;
    const values = Array.from({ length: 50_000 }, (_, i) => (i % 97 === 0 ? null : 1 + low(i >> 1) * Number.EPSILON));
    expect(new Set(values).size).toBe(25_001);
    for (const codec of [Codec.SNAPPY, Codec.UNCOMPRESSED]) {
      const back = await roundTrip(values, codec);
      expect(back.encodings).toEqual(['PLAIN', 'RLE_DICTIONARY', 'RLE']);
      expect(back.codec).toBe(codec === Codec.SNAPPY ? 'SNAPPY' : 'UNCOMPRESSED');
      expect(back.rows).toEqual(values.map((x) => ({ x })));
    }
  });

  it('writes PLAIN when a dictionary would be larger, and a chunk of nulls only', async () => {
    const distinct = Array.from({ length: 5_000 }, (_, i) => i / 7);
    expect((await roundTrip(distinct, Codec.SNAPPY)).encodings).toEqual(['PLAIN', 'RLE']);
    const nulls = Array<null>(300).fill(null);
    const back = await roundTrip(nulls, Codec.SNAPPY);
    expect([back.encodings, back.rows]).toEqual([['PLAIN', 'RLE'], nulls.map((x) => ({ x }))]);
  });
});
