import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/support/temp-dir';
import { csvEscape } from '../util/csv';
import { CsvWriter } from './csv-writer';

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
