import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLines, readText } from './text-input';
import { tempDir } from '../../../../test/support/temp-dir';

const dir = tempDir('text-');

async function lines(file: string) {
  const out = [];
  for await (const l of readLines(file)) out.push(l);
  return out;
}

describe('UTF-8 text input', () => {
  it('yields lines with numbers across LF and CRLF, dropping a BOM', async () => {
    const f = join(dir, 'ok.txt');
    writeFileSync(f, '\uFEFFfirst\r\nsecond\nthird');
    expect(await lines(f)).toEqual([
      { text: 'first', line: 1 },
      { text: 'second', line: 2 },
      { text: 'third', line: 3 },
    ]);
  });

  it('refuses Latin-1 bytes, naming the line', async () => {
    const f = join(dir, 'latin1.txt');
    // "Zoë" in Latin-1 on line 3: 0xEB is not valid UTF-8 on its own.
    writeFileSync(f, Buffer.concat([Buffer.from('a\nb\nZo'), Buffer.from([0xeb]), Buffer.from('\n')]));
    await expect(readText(f)).rejects.toThrow(/latin1\.txt, line 3: not valid UTF-8 text \(byte 0xeb\)/);
  });

  it('refuses UTF-16 with advice', async () => {
    const f = join(dir, 'utf16.txt');
    writeFileSync(f, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hi', 'utf16le')]));
    await expect(readText(f)).rejects.toThrow(/UTF-16 encoded; save it as UTF-8/);
  });

  it('refuses a raw NUL byte, naming its line and column', async () => {
    const f = join(dir, 'nul.txt');
    writeFileSync(f, 'T: hello\nC: wor\u0000ld\n');
    await expect(readText(f)).rejects.toThrow(/nul\.txt, line 2, column 7: a NUL byte \(0x00\) is not text/);
  });

  it('names a missing file', async () => {
    await expect(readText(join(dir, 'nope.txt'))).rejects.toThrow(/nope\.txt: file not found/);
  });
});
