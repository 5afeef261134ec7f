#!/usr/bin/env node
// Runs the compiled command in dist/. In the repository (where build.mjs sits beside this folder) it first checks
// that the build was made from the sources as they are, and rebuilds when they changed, so it never runs a stale
// build. An installed package carries only bin/ and dist/ and runs the build directly.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

if (existsSync(new URL('../build.mjs', import.meta.url))) {
  const { staleInputs } = await import('../freshness.mjs');
  const stale = staleInputs(
    fileURLToPath(new URL('../..', import.meta.url)),
    fileURLToPath(new URL('../dist', import.meta.url)),
  );
  if (stale.length > 0) await (await import('../rebuild.mjs')).rebuild(stale);
}
await import('../dist/alliance.js');
