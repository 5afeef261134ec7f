import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../util/csv';
import { ColumnSpec } from './columns';
import { TableWriter } from './table-writer';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const columns = [
  ColumnSpec.parse({ name: 'text', type: 'string', label: 't', source: 's' }),
  ColumnSpec.parse({ name: 'n', type: 'integer', label: 'n', source: 's' }),
  ColumnSpec.parse({ name: 'x', type: 'number', label: 'x', source: 's' }),
];

async function parquetRows(file: string) {
  const b = readFileSync(file);
  const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  const meta = parquetMetadata(ab);
  return {
    rows: await parquetReadObjects({ file: ab }),
    numRows: Number(meta.num_rows),
    groups: meta.row_groups.length,
  };
}

describe('table writer', () => {
  it('writes RFC 4180 CSV and Parquet that independent readers give back value for value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'table-writer-'));
    dirs.push(dir);
    // longer than the CSV buffer, so it takes the direct write
    const long = 'é'.repeat(800_000);
    const rows = [
      { text: 'plain', n: 1, x: 0.1 + 0.2 },
      { text: 'a "quoted", comma\r\nand line', n: -3, x: 1e-12 },
      { text: null, n: null, x: Number.NaN },
      { text: long, n: 7, x: 123456789.123 },
      ...Array.from({ length: 2_500 }, (_, i) => ({ text: `r${i % 7}`, n: i, x: i / 3 })),
    ];
    // row groups of 1,000 rows, so the file has several
    const w = new TableWriter(dir, 't', columns, ['csv', 'parquet'], 1_000);
    for (const r of rows) w.add(r);
    expect(w.close()).toEqual(['t.csv', 't.parquet']);
    const expected = rows.map((r) => ({ ...r, x: Number.isNaN(r.x) ? null : r.x }));

    const [header, ...records] = parseCsv(readFileSync(join(dir, 't.csv'), 'utf8'));
    expect(header!.fields).toEqual(['text', 'n', 'x']);
    expect(readFileSync(join(dir, 't.csv'), 'utf8').startsWith('text,n,x\r\nplain,1,0.30000000000000004\r\n')).toBe(
      true,
    );
    const back = records.map((r) => ({
      text: r.fields[0] === '' ? null : r.fields[0],
      n: r.fields[1] === '' ? null : Number(r.fields[1]),
      x: r.fields[2] === '' ? null : Number(r.fields[2]),
    }));
    expect(back).toEqual(expected);

    const pq = await parquetRows(join(dir, 't.parquet'));
    expect(pq.numRows).toBe(rows.length);
    expect(pq.groups).toBe(3);
    expect(pq.rows).toEqual(expected);
  });

  it('writes a table without rows as a header line and a readable empty Parquet file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'table-writer-'));
    dirs.push(dir);
    new TableWriter(dir, 'empty', columns, ['csv', 'parquet']).close();
    expect(readFileSync(join(dir, 'empty.csv'), 'utf8')).toBe('text,n,x\r\n');
    const pq = await parquetRows(join(dir, 'empty.parquet'));
    expect(pq).toEqual({ rows: [], numRows: 0, groups: 0 });
  });
});
