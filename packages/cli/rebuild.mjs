// Rebuilds dist/ when its sources changed. Several commands may start at once (tests, scripts looping over
// files): one takes a lock and builds, the others wait for it and then use its build. The lock lives in the
// temp folder, not beside dist/, so taking it does not move the package folder's mtime.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { staleInputs } from './freshness.mjs';

const cliDir = dirname(fileURLToPath(import.meta.url));
const packagesDir = dirname(cliDir);
const distDir = join(cliDir, 'dist');
const lockDir = join(tmpdir(), `alliance-build-${createHash('sha256').update(cliDir).digest('hex').slice(0, 16)}.lock`);
/** A lock older than this was left by a build that died; a build takes a few seconds. */
const STALE_LOCK_MS = 120_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function describeStale(stale) {
  return stale.length === 1 ? stale[0] : `${stale.length} files, e.g. ${stale[0]}`;
}

/** Called with what staleInputs found; returns once dist/ matches the sources, or exits saying why not. */
export async function rebuild(stale) {
  if (process.env.ALLIANCE_NO_REBUILD) {
    process.stderr.write(
      `alliance: the build in packages/cli/dist is older than the sources (${describeStale(stale)}); run \`npm run build\`\n`,
    );
    process.exit(1);
  }
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > STALE_LOCK_MS) rmSync(lockDir, { recursive: true, force: true });
      } catch {}
      await sleep(100);
    }
  }
  try {
    const now = staleInputs(packagesDir, distDir);
    if (now.length === 0) return;
    process.stderr.write(`alliance: sources changed since the last build (${describeStale(now)}); rebuilding\n`);
    const r = spawnSync(process.execPath, [join(cliDir, 'build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) process.exit(1);
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
