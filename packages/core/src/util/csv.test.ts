import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CsvParser,
  detectDelimiter,
  joinedHeaderHint,
  parseCsv,
  parseDelimiterOption,
  readCsvRows,
  splitOutsideQuotes,
  toCsv,
} from './csv';
import { InputError } from './errors';
import { tempDir } from '../../../../test/support/temp-dir';

describe('CSV parser', () => {
  it('reads quoted fields with delimiters, doubled quotes and newlines, and reports record start lines', () => {
    const rows = parseCsv('a,b,c\n1,"x, y","he said ""hi"""\n2,"multi\nline",z\r\n3,,\n');
    expect(rows.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'he said "hi"'],
      ['2', 'multi\nline', 'z'],
      ['3', '', ''],
    ]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 5]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const text = 'id,text\n1,"a ""quoted"" word"\r\n2,"line\r\nbreak"\n3,plain\n';
    const whole = parseCsv(text).map((r) => r.fields);
    for (let size = 1; size <= 7; size++) {
      const p = new CsvParser();
      const out = [];
      for (let i = 0; i < text.length; i += size) out.push(...p.push(text.slice(i, i + size)));
      out.push(...p.end());
      expect(out.map((r) => r.fields)).toEqual(whole);
    }
  });

  it('rejects a quote inside an unquoted field with line and column', () => {
    expect(() => parseCsv('a,b\n1,ab"c\n', { file: 'f.csv' })).toThrow(
      /f\.csv, line 2, column 5: a quote inside an unquoted field/,
    );
  });

  it('rejects text after a closing quote', () => {
    expect(() => parseCsv('a,b\n"x"y,1\n', { file: 'f.csv' })).toThrow(InputError);
  });

  it('reports text after a quote that closes on a later line at the line where the quote opened', () => {
    const text = 'a,b,c\n1,2,3\n4,5,6\n7,"8 oops\nmore" x,9\n10,11,12\n';
    expect(() => parseCsv(text, { file: 'f.csv' })).toThrow(
      /^f\.csv, line 4, column 3: the quoted field opened here closes on line 5 and is followed by text at column 6/,
    );
  });

  it('detects comma, semicolon and tab from the header, ignoring quoted ones', () => {
    expect(detectDelimiter('client;session;"a,b,c"\n1;2;3')).toBe(';');
    expect(detectDelimiter('client\tsession\ttext\n')).toBe('\t');
    expect(detectDelimiter('client,session,text\n"x;y;z;w"')).toBe(',');
    expect(detectDelimiter('one')).toBe(',');
    expect(parseCsv('a;b\n"1;2";3\n').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1;2', '3'],
    ]);
    expect(joinedHeaderHint(['client;session;1'])).toMatch(/joined by semicolons.*--delimiter ';'/);
    expect(joinedHeaderHint(['client', 'session'])).toBe('');
    expect(parseDelimiterOption('tab')).toBe('\t');
    expect(parseDelimiterOption(';')).toBe(';');
    expect(() => parseDelimiterOption('ab')).toThrow(/--delimiter must be one character/);
  });

  it('splits option lists at commas outside quotes', () => {
    expect(splitOutsideQuotes('"Lee, Jordan (Dr.)"=therapist,Sam=client')).toEqual([
      '"Lee, Jordan (Dr.)"=therapist',
      'Sam=client',
    ]);
  });

  it('rejects a quote that is never closed, naming where it opened', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3\n', { file: 'f.csv' })).toThrow(
      /f\.csv, line 2: a quoted field opened at column 3 is never closed/,
    );
  });

  it('pairs rows with the header and refuses ragged rows and empty files', async () => {
    const dir = tempDir('csv-');
    writeFileSync(join(dir, 'ok.csv'), '\uFEFFclient,value\nC1,3\n\nC2,4\n');
    const rows = [];
    for await (const r of readCsvRows(join(dir, 'ok.csv'))) rows.push(r);
    expect(rows).toEqual([
      { values: { client: 'C1', value: '3' }, line: 2 },
      { values: { client: 'C2', value: '4' }, line: 4 },
    ]);
    writeFileSync(join(dir, 'ragged.csv'), 'a,b\n1,2,3\n');
    await expect(async () => {
      for await (const _ of readCsvRows(join(dir, 'ragged.csv'))) void _;
    }).rejects.toThrow(/ragged\.csv, line 2: expected 2 fields as in the header, found 3/);
    writeFileSync(join(dir, 'empty.csv'), '');
    await expect(async () => {
      for await (const _ of readCsvRows(join(dir, 'empty.csv'))) void _;
    }).rejects.toThrow(/empty\.csv, line 1: the file is empty/);
  });

  it('writes RFC 4180 output that reads back identically', () => {
    const rows = [
      { a: 'x,y', b: 'say "hi"', c: 1.5 },
      { a: 'multi\nline', b: null, c: 2 },
    ];
    const text = toCsv(['a', 'b', 'c'], rows);
    expect(parseCsv(text).map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['x,y', 'say "hi"', '1.5'],
      ['multi\nline', '', '2'],
    ]);
  });
});
