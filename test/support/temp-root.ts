import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest global setup: one temporary folder per run, handed to the workers as TMPDIR, so the per-file check
 * (temp-check.ts) has a clean place to start from and nothing a test makes lands in the shared /tmp. Anything
 * still here at the end came from a file that did not finish its hooks or from a process that outlived its
 * test; the run fails with its names.
 */
export default function setup(): () => void {
  const system = tmpdir();
  const root = mkdtempSync(join(system, 'alliance-test-'));
  process.env.ALLIANCE_TEST_SYSTEM_TMPDIR = system;
  process.env.TMPDIR = root;
  return () => {
    const left = readdirSync(root);
    rmSync(root, { recursive: true, force: true });
    if (left.length > 0) {
      console.error(`tests left ${left.join(', ')} in the run's temporary folder`);
      process.exitCode = 1;
    }
  };
}
