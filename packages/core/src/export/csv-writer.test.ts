import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/support/temp-dir';
import { csvEscape } from '../util/csv';
import { CsvWriter, NUMBER_BYTES } from './csv-writer';

type Cell = string | number | boolean | null | undefined;

/** The non-streaming formatting: every cell through csvEscape, joined. */
const expected = (header: string[], rows: Cell[][], eol: string) =>
  [header, ...rows].map((r) => r.map(csvEscape).join(',')).join(eol) + eol;

describe('CsvWriter', () => {
  it('writes what csvEscape gives for tricky values, across flushes, with the SHA-256 and size of the file', () => {
    const dir = tempDir('csv-writer-');
    const header = ['text', 'n', 'x', 'flag'];
    const tricky: Cell[][] = [
      ['say "hi", ok', 1, 0.1 + 0.2, true],
      ['two\r\nlines', -3, 1e-7, false],
      ['line\nfeed', 4095, 1e21, null],
      [null, 4096, -0, undefined],
      ['', Number.NaN, Number.POSITIVE_INFINITY, 0],
      ['Ärger ☃ 𝄞', 123456789012, 41 / 3, 1],
      ['é'.repeat(1_500_000), 7, 123456789.123, 1],
    ];
    // Repeats (the caches and runs down a column) and enough rows to flush the buffer several times.
    const rows = [
      ...tricky,
      ...Array.from({ length: 60_000 }, (_, i) => [`r${i % 7}`, i % 5, (i % 11) / 3, i % 2]),
      ...tricky,
    ];
    for (const eol of ['\r\n', '\n'] as const) {
      const file = join(dir, `t${eol.length}.csv`);
      const w = new CsvWriter(file, header, { eol });
      for (const r of rows) w.row(r);
      const written = w.close();
      const bytes = readFileSync(file);
      expect(bytes.toString('utf8')).toBe(expected(header, rows, eol));
      expect(written).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });
      expect(w.rows).toBe(rows.length);
    }
  });
});

describe('CsvWriter.putNumber', () => {
  it('writes each number as csvEscape does (empty when not finite), whatever the cache holds', () => {
    const dir = tempDir('csv-writer-numbers-');
    const awkward = [
      0,
      -0,
      1,
      -1,
      7,
      -4095,
      4096,
      123456789012,
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      2 ** 53,
      2 ** 53 + 2,
      1e21,
      -1e21,
      1e300,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      1e-7,
      -1e-7,
      0.1 + 0.2,
      -(0.1 + 0.2),
      1 / 3,
      -2 / 3,
      41 / 3,
      123456789.123,
      -0.0000012345678901234567,
      52.83333333333333,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ];
    // Enough distinct doubles that slots of the cache are taken over by others and asked again.
    let x = 0.5;
    const many = Array.from({ length: 200_000 }, (_, i) => {
      x = (x * 9301 + 49297) % 233280;
      return i % 3 === 0 ? -x / 7 : x / 1000;
    });
    const values = [...awkward, ...many, ...awkward, ...many.slice(0, 1000)];
    const file = join(dir, 'n.csv');
    const w = new CsvWriter(file, ['a', 'b']);
    for (let i = 0; i < values.length; i++) {
      w.room(2 * NUMBER_BYTES + 4);
      const buf = w.buffer;
      let at = w.putNumber(w.offset, values[i]!);
      buf[at++] = 44;
      at = w.putNumber(at, values[(i * 7) % values.length]!);
      for (const b of w.eol) buf[at++] = b;
      w.advance(at, 1);
    }
    w.close();
    const rows = values.map((v, i) => [v, values[(i * 7) % values.length]]);
    const got = readFileSync(file, 'utf8').split('\r\n');
    const want = expected(['a', 'b'], rows, '\r\n').split('\r\n');
    // The first line that differs, rather than a diff of 400,000 lines.
    const at = want.findIndex((line, i) => got[i] !== line);
    expect(at < 0 ? null : { line: at, got: got[at], want: want[at] }).toBeNull();
    expect(got.length).toBe(want.length);
    expect(w.rows).toBe(values.length);
  });
});
