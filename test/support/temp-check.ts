import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dir';

/**
 * vitest setup file: each test file gets a temporary folder of its own (TMPDIR, which os.tmpdir() and the
 * processes a test starts both read), and fails if anything is left in it once the file's tests and hooks are
 * done. Hooks run in stack order, so this after-all hook, registered before the file's own, runs after them.
 */
const outer = process.env.TMPDIR;
const mine = mkdtempSync(join(tmpdir(), 'file-'));
process.env.TMPDIR = mine;

// The CLI a test starts runs through tsx, which keeps its compile cache at $TMPDIR/tsx-<uid>. That cache is
// tsx's, not the test's, and recompiling the CLI for every file would slow the suite: it stays in the system's
// temporary folder, reached through a link.
const tsxCache = `tsx-${process.geteuid?.() ?? userInfo().username}`;
const systemTmp = process.env.ALLIANCE_TEST_SYSTEM_TMPDIR;
if (systemTmp) {
  mkdirSync(join(systemTmp, tsxCache), { recursive: true });
  symlinkSync(join(systemTmp, tsxCache), join(mine, tsxCache));
}

afterAll(() => {
  removeTempDirs();
  const left = readdirSync(mine).filter((name) => !(systemTmp && name === tsxCache));
  rmSync(mine, { recursive: true, force: true });
  if (outer === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = outer;
  if (left.length > 0) {
    throw new Error(`this test file left ${left.join(', ')} in the temporary folder; remove what a test makes`);
  }
});
