import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript beside the package (the bin runs it before any build exists); no types.
import { BUILD_INFO, buildInfo, staleInputs } from '../freshness.mjs';

const CLI = fileURLToPath(new URL('..', import.meta.url));
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A packages/ folder in miniature, with a build record made from it. */
function tree() {
  const root = mkdtempSync(join(tmpdir(), 'alliance-freshness-'));
  made.push(root);
  const packages = join(root, 'packages');
  mkdirSync(join(packages, 'core', 'src'), { recursive: true });
  mkdirSync(join(packages, 'cli', 'dist'), { recursive: true });
  writeFileSync(join(packages, 'core', 'src', 'a.ts'), 'export const a = 1;\n');
  writeFileSync(join(packages, 'core', 'src', 'a.test.ts'), 'test\n');
  writeFileSync(join(packages, 'core', 'package.json'), '{}\n');
  const dist = join(packages, 'cli', 'dist');
  writeFileSync(join(dist, BUILD_INFO), JSON.stringify(buildInfo(packages)));
  return { packages, dist };
}

describe('stale-build guard', () => {
  it('is quiet when nothing changed, even when a file was touched without a change', () => {
    const { packages, dist } = tree();
    expect(staleInputs(packages, dist)).toEqual([]);
    const later = new Date(Date.now() + 5000);
    utimesSync(join(packages, 'core', 'src', 'a.ts'), later, later);
    expect(staleInputs(packages, dist)).toEqual([]);
  });

  it('names a changed, an added and a removed source', () => {
    const { packages, dist } = tree();
    writeFileSync(join(packages, 'core', 'src', 'a.ts'), 'export const a = 2;\n');
    expect(staleInputs(packages, dist)).toEqual(['core/src/a.ts']);
    writeFileSync(join(packages, 'core', 'src', 'b.ts'), 'export const b = 1;\n');
    expect(staleInputs(packages, dist)).toEqual(['core/src/a.ts', 'core/src/b.ts']);
    rmSync(join(packages, 'core', 'package.json'));
    expect(staleInputs(packages, dist)).toContain('core/package.json');
  });

  it('ignores tests, which are not in the build', () => {
    const { packages, dist } = tree();
    writeFileSync(join(packages, 'core', 'src', 'a.test.ts'), 'changed\n');
    expect(staleInputs(packages, dist)).toEqual([]);
  });

  it('reports a missing build', () => {
    const { packages, dist } = tree();
    rmSync(join(dist, BUILD_INFO));
    expect(staleInputs(packages, dist)).toEqual(['cli/dist/build-info.json (no build yet)']);
  });

  it('the bin refuses a stale build when asked not to rebuild, naming the changed file', () => {
    // A copy of the bin and its guard over the miniature tree, with a build that just prints.
    const { packages, dist } = tree();
    for (const f of ['freshness.mjs', 'rebuild.mjs', 'build.mjs']) cpSync(join(CLI, f), join(packages, 'cli', f));
    cpSync(join(CLI, 'bin'), join(packages, 'cli', 'bin'), { recursive: true });
    writeFileSync(join(dist, 'alliance.js'), "process.stdout.write('ran the build');\n");
    writeFileSync(join(dist, BUILD_INFO), JSON.stringify(buildInfo(packages)));
    const bin = join(packages, 'cli', 'bin', 'alliance.js');
    const env = { ...process.env, ALLIANCE_NO_REBUILD: '1' };
    const fresh = spawnSync(process.execPath, [bin], { env, encoding: 'utf8' });
    expect(fresh.stdout).toBe('ran the build');
    writeFileSync(join(packages, 'core', 'src', 'a.ts'), 'export const a = 3;\n');
    const stale = spawnSync(process.execPath, [bin], { env, encoding: 'utf8' });
    expect(stale.status).toBe(1);
    expect(stale.stdout).toBe('');
    expect(stale.stderr).toContain('is older than the sources (core/src/a.ts); run `npm run build`');
  });

  it('the bin rebuilds a stale build by default, then runs the new one', () => {
    const { packages, dist } = tree();
    cpSync(join(CLI, 'freshness.mjs'), join(packages, 'cli', 'freshness.mjs'));
    cpSync(join(CLI, 'rebuild.mjs'), join(packages, 'cli', 'rebuild.mjs'));
    cpSync(join(CLI, 'bin'), join(packages, 'cli', 'bin'), { recursive: true });
    // A stand-in for the real build: it records the inputs and writes a command that says it is new.
    writeFileSync(
      join(packages, 'cli', 'build.mjs'),
      [
        "import { writeFileSync } from 'node:fs';",
        "import { buildInfo } from './freshness.mjs';",
        "const dist = new URL('./dist/', import.meta.url);",
        "writeFileSync(new URL('alliance.js', dist), \"process.stdout.write('new build');\\n\");",
        "writeFileSync(new URL('build-info.json', dist), JSON.stringify(buildInfo(new URL('..', import.meta.url).pathname)));",
      ].join('\n'),
    );
    writeFileSync(join(dist, 'alliance.js'), "process.stdout.write('old build');\n");
    writeFileSync(join(dist, BUILD_INFO), JSON.stringify(buildInfo(packages)));
    writeFileSync(join(packages, 'core', 'src', 'a.ts'), 'export const a = 4;\n');
    const env = { ...process.env, ALLIANCE_NO_REBUILD: '' };
    const r = spawnSync(process.execPath, [join(packages, 'cli', 'bin', 'alliance.js')], { env, encoding: 'utf8' });
    expect(r.stderr).toContain('sources changed since the last build');
    expect(r.stdout).toBe('new build');
  });
});
