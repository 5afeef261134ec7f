import { snappyUncompress } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { Bytes } from './bytes';
import { snappyCompress } from './snappy';

let seed = 3;
const random = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed >>> 24;
};

/** Compressed after a few bytes already in the buffer, then uncompressed by hyparquet's decoder. */
function roundTrip(input: Uint8Array): number {
  const out = new Bytes(4);
  out.put(Uint8Array.of(9, 9, 9));
  const length = snappyCompress(input, out);
  expect(out.at).toBe(3 + length);
  const back = new Uint8Array(input.length);
  snappyUncompress(out.bytes().slice(3), back);
  expect(Buffer.from(back).equals(Buffer.from(input))).toBe(true);
  return length;
}

describe('Snappy', () => {
  it('gives back short, random, repetitive and long inputs, literals of every length class among them', () => {
    const cases = [
      new Uint8Array(0),
      Uint8Array.of(1),
      Uint8Array.from({ length: 14 }, (_, i) => i),
      Uint8Array.from({ length: 15 }, () => 7),
      ...[61, 257, 70_000, 300_000].map((n) => Uint8Array.from({ length: n }, random)),
      // a pattern repeating at short and far offsets (copies of both kinds), runs longer than a copy's 64 bytes
      Uint8Array.from({ length: 200_000 }, (_, i) => (i % 40_000 < 30_000 ? i % 37 : i % 1000 < 500 ? 5 : random())),
      Uint8Array.from({ length: 100_000 }, (_, i) => (i % 70_001 === 0 ? 1 : 0)),
    ];
    const sizes = cases.map(roundTrip);
    // random bytes hardly grow; a repeating pattern shrinks to a small fraction
    expect(sizes[7]).toBeLessThan(300_000 * 1.01);
    expect(sizes[8]).toBeLessThan(200_000 / 2);
    // a copy is at most 64 bytes, three bytes each
    expect(sizes[9]).toBeLessThan((100_000 / 64) * 3 + 100);
  });
});
