import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from './support/temp-dir';

describe('temporary folders in tests', () => {
  it('gives each test file a TMPDIR of its own inside the run’s folder, so leftovers can be told apart', () => {
    expect(basename(tmpdir())).toMatch(/^file-/);
    expect(basename(dirname(tmpdir()))).toMatch(/^alliance-test-/);
    expect(process.env.ALLIANCE_TEST_SYSTEM_TMPDIR).toBeTruthy();
    expect(tmpdir().startsWith(process.env.ALLIANCE_TEST_SYSTEM_TMPDIR!)).toBe(true);
  });

  it('removes the folders tempDir made, contents and all', () => {
    const a = tempDir('probe-a-');
    const b = tempDir('probe-b-');
    writeFileSync(join(a, 'x.txt'), 'x');
    expect(dirname(a)).toBe(tmpdir());
    expect(readdirSync(tmpdir())).toEqual(expect.arrayContaining([basename(a), basename(b)]));
    removeTempDirs();
    expect(existsSync(a)).toBe(false);
    expect(existsSync(b)).toBe(false);
  });
});
