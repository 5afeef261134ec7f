import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCommands, main } from './main';

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
    for (const c of await loadCommands()) expect(stdout).toContain(c.path.join(' '));
  });

  it('init then status --json prints exactly one JSON object with the counts', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cli-')), 'study');
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
});
