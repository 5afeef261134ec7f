import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../import/responses/test-input';
import { runCore as main } from './testing';
import { tempDir } from '../../../../../test/support/temp-dir';
import { storeKinds, useStore } from '../../../../../test/support/stores';

async function run(argv: string[], tty = false) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: tty },
  });
  return { code, stdout, stderr };
}

const study = async () => {
  const dir = join(tempDir('cli-responses-'), 'study');
  expect((await run(['init', dir, '--json'])).code).toBe(0);
  return dir;
};
const fixture = (name: string) => join(FIXTURES, name);
const scratch = tempDir('cli-responses-files-');

describe.each(storeKinds)('alliance import responses on %s', (kind) => {
  useStore(kind);
  it('prints one JSON summary, then reports an identical re-import as unchanged', async () => {
    const dir = await study();
    const args = [
      'import',
      'responses',
      '--study',
      dir,
      '--instrument',
      'wai-sr',
      '--form',
      'client',
      fixture('wai-sr-wide.csv'),
      '--json',
    ];
    const first = await run(args);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(first.stdout)).toMatchObject({
      rows: 12,
      inserted: 12,
      updated: 0,
      unchanged: 0,
      scored: 12,
      errors: [],
    });
    const again = JSON.parse((await run(args)).stdout);
    expect(again).toMatchObject({ inserted: 0, unchanged: 12, scored: 0 });
    const status = JSON.parse((await run(['status', '--study', dir, '--json'])).stdout);
    expect(status).toMatchObject({ responses: 12, sessions: 12 });
  });

  it('exits 1 with every bad value named by line and column, and imports nothing', async () => {
    const dir = await study();
    const out = await run([
      'import',
      'responses',
      '--study',
      dir,
      '--instrument',
      'wai-sr',
      '--form',
      'client',
      fixture('malformed/out-of-range.csv'),
      '--json',
    ]);
    expect(out.code).toBe(1);
    const data = JSON.parse(out.stdout);
    expect(data).toMatchObject({ inserted: 0, scored: 0 });
    expect(data.errors).toEqual([
      { file: 'out-of-range.csv', line: 3, column: '6', message: 'item 6: 6 is above the scale maximum 5' },
      { file: 'out-of-range.csv', line: 4, column: '12', message: 'item 12: 0 is below the scale minimum 1' },
    ]);
    const text = await run([
      'import',
      'responses',
      '--study',
      dir,
      '--instrument',
      'wai-sr',
      '--form',
      'client',
      fixture('malformed/out-of-range.csv'),
    ]);
    expect(text.stdout).toContain('out-of-range.csv, line 3, column "6": item 6: 6 is above the scale maximum 5');
    expect(JSON.parse((await run(['status', '--study', dir, '--json'])).stdout).responses).toBe(0);
  });

  it('refuses changed values unless --replace; --dry-run counts add, change and unchanged and writes nothing', async () => {
    const dir = await study();
    const base = ['import', 'responses', '--study', dir, '--instrument', 'wai-sr', '--form', 'client', '--json'];
    expect((await run([...base, fixture('wai-sr-wide.csv')])).code).toBe(0);
    // C001 session 1 totals 43; raising items 1 and 2 by 1 and adding a new client makes 45.
    const changed = join(scratch, 'changed.csv');
    writeFileSync(
      changed,
      `${readFileSync(fixture('wai-sr-wide.csv'), 'utf8').replace('C001,T01,1,2026-01-12,3,4,', 'C001,T01,1,2026-01-12,4,5,')}C009,T01,1,2026-01-12,3,3,3,3,3,3,3,3,3,3,3,3\n`,
    );
    const scoresOf = async () =>
      JSON.parse((await run(['status', '--study', dir, '--json'])).stdout) as Record<string, unknown>;
    const before = await scoresOf();
    const refused = await run([...base, changed]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).errors).toEqual([
      {
        file: 'changed.csv',
        line: 2,
        message:
          'client C001 session 1 (client) is already stored with other values (items 1, 2 differ); give --replace to overwrite the stored response (the audit keeps both)',
      },
    ]);
    expect(await scoresOf()).toEqual(before);
    const dry = await run([...base, '--dry-run', changed]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ add: 1, change: 1, unchanged: 11 });
    expect(await scoresOf()).toEqual(before);
    const dryText = await run([...base.filter((a) => a !== '--json'), '--dry-run', changed]);
    expect(dryText.stdout).toMatch(
      /would add 1 response, change 1 \(changing needs --replace\) and leave 11 unchanged/,
    );
    const replaced = await run([...base, '--replace', changed]);
    expect(replaced.code).toBe(0);
    expect(JSON.parse(replaced.stdout)).toMatchObject({ inserted: 1, updated: 1, unchanged: 11 });
    expect(await scoresOf()).toMatchObject({ responses: 13 });
  });

  it('reports a broken file as an input error with its line, and usage mistakes with exit 2', async () => {
    const dir = await study();
    const broken = await run([
      'import',
      'responses',
      '--study',
      dir,
      '--instrument',
      'wai-sr',
      '--form',
      'client',
      fixture('malformed/broken-quoting.csv'),
      '--json',
    ]);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout).error).toMatchObject({ kind: 'input', file: 'broken-quoting.csv', line: 3 });
    const unknown = await run([
      'import',
      'responses',
      '--study',
      dir,
      '--instrument',
      'hag-ii',
      '--form',
      'client',
      fixture('wai-sr-wide.csv'),
      '--json',
    ]);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout).error.message).toMatch(/unknown instrument "hag-ii"/);
    const coder = await run([
      'import',
      'responses',
      '--study',
      dir,
      '--instrument',
      'wai-sr',
      '--form',
      'client',
      '--coder-column',
      'rater',
      fixture('wai-sr-wide.csv'),
    ]);
    expect(coder.code).toBe(2);
    expect(coder.stderr).toMatch(/--coder-column applies to observer forms/);
    const format = await run([
      'import',
      'responses',
      '--study',
      dir,
      '--instrument',
      'wai-sr',
      '--form',
      'client',
      '--format',
      'xlsx',
      fixture('wai-sr-wide.csv'),
    ]);
    expect(format.code).toBe(2);
  });

  it('imports coders with a renamed coder column, REDCap with --events, and shows progress on a terminal', async () => {
    const dir = await study();
    const coders = await run([
      'import',
      'responses',
      '--study',
      dir,
      '--instrument',
      'wai-o-s',
      '--form',
      'observer',
      fixture('coders-wai-o-s.csv'),
      '--json',
    ]);
    expect(JSON.parse(coders.stdout)).toMatchObject({ inserted: 6, scored: 6 });
    const redcap = await run(
      [
        'import',
        'responses',
        '--study',
        dir,
        '--instrument',
        'srs',
        '--form',
        'client',
        '--dictionary',
        fixture('redcap-dictionary.csv'),
        '--events',
        'session_{n}_arm_1',
        '--date-column',
        'session_date',
        fixture('redcap-export.csv'),
      ],
      true,
    );
    expect(redcap.code).toBe(0);
    expect(redcap.stdout).toMatch(
      /^redcap-export\.csv \(srs client, redcap\): 8 responses from 12 rows, 4 rows skipped: 8 inserted, 0 updated, 0 unchanged; 8 scored, 8 new sessions/,
    );
    expect(redcap.stderr).toContain('importing');
    expect(redcap.stderr).toContain('8/8 responses');
  });
});
