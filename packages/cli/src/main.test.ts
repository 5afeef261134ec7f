import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/temp-dir';
import { commands, main } from './main';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
  });
  return { code, stdout, stderr };
}

describe('alliance CLI', () => {
  it('--help lists every registered command', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    for (const c of commands) expect(stdout).toContain(c.path.join(' '));
  });

  it('init then status --json prints exactly one JSON object with the counts', async () => {
    const dir = join(tempDir('cli-'), 'study');
    expect((await run(['init', dir, '--json'])).code).toBe(0);
    const { code, stdout, stderr } = await run(['status', '--study', dir, '--json']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(Object.keys(JSON.parse(stdout)).sort()).toEqual([
      'clients',
      'collection',
      'ratings',
      'responses',
      'sessions',
      'therapists',
      'transcripts',
      'utterances',
    ]);
    expect(stderr).toBe('');
  });

  it('exits 2 on usage errors and 1 on bad input, with a JSON error object under --json', async () => {
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    const missing = await run(['status', '--json']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout).error.kind).toBe('usage');
    const badOpt = await run(['status', '--study', 'x', '--bogus']);
    expect(badOpt.code).toBe(2);
    const noStudy = await run(['status', '--study', join(tmpdir(), 'no-such-study-here'), '--json']);
    expect(noStudy.code).toBe(1);
    expect(JSON.parse(noStudy.stdout).error).toMatchObject({ kind: 'input' });
    expect(noStudy.stderr).toMatch(/no study\.json here/);
  });

  it('names the unknown word, not option values, and suggests the nearest command', async () => {
    const typo = await run(['stats', 'iccc', '--in', 'x.csv']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^error: unknown command "stats iccc"; did you mean "stats icc"\?/);
    expect(typo.stderr).not.toContain('x.csv');
    const top = await run(['stauts', '--study', 'x', '--json']);
    expect(JSON.parse(top.stdout).error.message).toMatch(/unknown command "stauts"; did you mean "status"\?/);
    const far = await run(['frobnicate']);
    expect(far.stderr).toMatch(/unknown command "frobnicate" \(run `alliance --help`/);
    const group = await run(['stats']);
    expect(group.code).toBe(2);
    expect(group.stderr).toMatch(/"stats" needs a subcommand: stats icc, stats alpha/);
  });

  it('bare `alliance` prints the usage on stderr and exits 2', async () => {
    const bare = await run([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toMatch(/usage: alliance <command> \[options\]/);
    expect(bare.stderr).toContain('stats icc');
  });

  it('reads help off each command option schema: flags, value names, defaults, required', async () => {
    const { code, stdout } = await run(['rate', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^usage: alliance rate --study DIR --rater NAME \[--sessions ID,\.\.\.\] \[--replicates N\]/,
    );
    expect(stdout).toMatch(/--replicates N +ratings per transcript, for run-to-run reliability \(default 1\)/);
    expect(stdout).toMatch(/--study DIR +study folder \(required\)/);
    expect(stdout).toMatch(/--sessions ID,\.\.\. +.*\(repeatable\)/);
    expect(stdout).toMatch(/--no-cache +ask again/);
    for (const c of commands) {
      const help = await run([...c.path, '--help']);
      expect(help.code).toBe(0);
      for (const name of Object.keys(c.options.shape)) expect(help.stdout).toContain(`--${name}`);
    }
  });

  it('a bad option value is a usage error naming the option and the value', async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['stats', 'alpha', '--in', 'x.csv', '--bootstrap', 'many'],
        /^--bootstrap must be an integer >= 0 <= 1000000, got "many"/,
      ],
      [['stats', 'icc', '--in', 'x.csv', '--missing', 'guess'], /^--missing must be one of drop, model, got "guess"/],
      [['codebook', '--instrument', 'wai-sr', '--format', 'pdf'], /^--format must be one of csv, md, html, got "pdf"/],
      [['stats', 'ruptures', '--in', 'x.csv', '--window', '0'], /^--window must be an integer >= 1, got "0"/],
      [['score', '--form', 'client', '--in', 'x.csv'], /^--instrument is required/],
      [['status', '--study', ''], /^--study must not be empty/],
    ];
    for (const [argv, message] of cases) {
      const r = await run([...argv, '--json']);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(JSON.parse(r.stdout).error.message).toMatch(message);
    }
  });
});
