import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm pack` of the cli package, installed with `npm install -g` into a temporary prefix, run from a folder
 * outside the repository: the command a user gets, with its data files (instrument definitions, lexicon
 * markers) found from the installed build. Dependencies come from the npm cache when they are there
 * (--prefer-offline). The one native addon, better-sqlite3, is given the repository's own compiled binary
 * (same Node, same machine) instead of its install script, which downloads a prebuild or compiles from source.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'alliance-install-'));
const prefix = join(work, 'prefix');
const outside = join(work, 'elsewhere');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function alliance(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH}` };
  delete env.NODE_PATH;
  const r = spawnSync('alliance', args, { cwd: outside, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // The bin rebuilds a stale dist/ before running; packing with --ignore-scripts then packs that build.
  execFileSync(process.execPath, [join(ROOT, 'packages/cli/bin/alliance.js'), '--help'], { stdio: 'ignore' });
  execFileSync(npm, ['pack', '--ignore-scripts', '-w', 'packages/cli', '--pack-destination', work], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack made no tarball');
  execFileSync(
    npm,
    [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--prefer-offline',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      join(work, tarball),
    ],
    { cwd: work, stdio: 'ignore' },
  );
  const installed = join(prefix, 'lib', 'node_modules', '@alliance-lab', 'cli', 'node_modules', 'better-sqlite3');
  const addon = join(
    dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
    'build',
    'Release',
  );
  mkdirSync(join(installed, 'build', 'Release'), { recursive: true });
  copyFileSync(join(addon, 'better_sqlite3.node'), join(installed, 'build', 'Release', 'better_sqlite3.node'));
  mkdirSync(outside);
}, 300_000);

// The installed tree is large; removing it takes a while on a busy machine.
afterAll(() => rmSync(work, { recursive: true, force: true }), 180_000);

describe('the packed command, installed outside the repository', () => {
  it('is on PATH, carries only its build, and prints help', () => {
    const pkg = join(prefix, 'lib', 'node_modules', '@alliance-lab', 'cli');
    expect(existsSync(join(pkg, 'dist', 'alliance.js'))).toBe(true);
    expect(existsSync(join(pkg, 'src'))).toBe(false);
    const help = alliance(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('stats icc');
    expect(help.stdout).toContain('serve');
  });

  it('creates a study and reports its status', () => {
    expect(alliance(['init', 'study', '--json']).code).toBe(0);
    const status = alliance(['status', '--study', 'study', '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ clients: 0, sessions: 0 });
  });

  it('scores a small CSV with a built-in instrument definition', () => {
    writeFileSync(join(outside, 'srs.csv'), 'client,1,2,3,4\nC1,8,7,9,8\nC2,5,6,7,8\n');
    const r = alliance(['score', '--instrument', 'srs', '--form', 'client', '--in', 'srs.csv', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(
      JSON.parse(r.stdout).rows.map((row: { scales: { total: { score: number } } }) => row.scales.total.score),
    ).toEqual([32, 26]);
  });

  it('imports a transcript and rates it with the lexicon rater, whose markers ship in the build', () => {
    writeFileSync(
      join(outside, 's.jsonl'),
      `${JSON.stringify({
        client: 'C01',
        therapist: 'T01',
        session: 1,
        utterances: [
          { id: 'u1', role: 'therapist', text: 'What would you like to work on together today?' },
          { id: 'u2', role: 'client', text: 'I feel you really understand me, and I agree with the plan.' },
        ],
      })}\n`,
    );
    expect(alliance(['import', 'transcripts', '--study', 'study', 's.jsonl', '--json']).code).toBe(0);
    const rated = alliance(['rate', '--study', 'study', '--rater', 'lexicon', '--json']);
    expect(rated.code, rated.stderr).toBe(0);
    expect(JSON.parse(rated.stdout)).toMatchObject({ rated: 1, failed: 0 });
  });
});
