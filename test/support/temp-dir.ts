import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Temporary folders for tests. `tempDir()` makes one under the system's temporary folder and records it;
 * `removeTempDirs()` removes every folder recorded so far. The vitest setup file (temp-check.ts) calls it after
 * each test file's own after-all hooks, so a test that makes its folders here removes them without a hook of its
 * own; a folder made any other way is the test's to remove, and the check there fails the file if it does not.
 */
const made: string[] = [];

export function tempDir(prefix = 'alliance-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
