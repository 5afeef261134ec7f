import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../import/responses/test-input';
import { runCore as main } from './testing';
import { tempDir } from '../../../../../test/support/temp-dir';
import { storeKinds, useStore } from '../../../../../test/support/stores';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
  });
  return { code, stdout, stderr };
}

describe.each(storeKinds)('alliance codebook --study on %s', (kind) => {
  useStore(kind);
  it("writes the study's data dictionary in each format, exactly the wide export's columns, coders once their ratings are stored", async () => {
    const dir = join(tempDir('cli-codebook-'), 'study');
    await run(['init', dir]);
    const before = JSON.parse((await run(['codebook', '--study', dir, '--json'])).stdout);
    expect(before.ids.map((v: { name: string }) => v.name)).toEqual([
      'session_id',
      'client',
      'therapist',
      'session',
      'date',
    ]);
    expect(before.rows).toEqual([]);
    await run([
      'import',
      'responses',
      '--study',
      dir,
      '--instrument',
      'wai-o-s',
      '--form',
      'observer',
      join(FIXTURES, 'coders-wai-o-s.csv'),
    ]);
    const after = JSON.parse((await run(['codebook', '--study', dir, '--json'])).stdout);
    expect(after.variables).toBeGreaterThan(before.variables);
    const wide = join(dir, 'wide.csv');
    await run(['export', 'scores', '--study', dir, '--wide', '--out', wide]);
    const header = readFileSync(wide, 'utf8').split('\n')[0]!.split(',');
    expect([...after.ids, ...after.rows].map((v: { name: string }) => v.name)).toEqual(header);

    const out = join(dir, 'codebook.csv');
    const wrote = await run(['codebook', '--study', dir, '--format', 'csv', '--out', out]);
    expect(wrote.code).toBe(0);
    expect(wrote.stdout.trim()).toBe(`wrote ${after.variables} variables to ${out}`);
    const csv = readFileSync(out, 'utf8').split('\r\n');
    expect(csv[0]!.startsWith('Variable / Field Name,Form Name,')).toBe(true);
    expect(csv[1]!.startsWith('session_id,session_keys,')).toBe(true);
    expect(csv.some((l) => l.startsWith('k01_wai_o_s_observer_total,k01_wai_o_s_observer,'))).toBe(true);
    // init's default lexicon rater has not rated anything, so it has no columns
    expect(csv.some((l) => l.startsWith('lexicon_'))).toBe(false);

    const md = await run(['codebook', '--study', dir, '--format', 'md']);
    expect(md.stdout).toMatch(/^# .*: codebook\n/);
    expect((await run(['codebook', '--study', dir, '--format', 'html'])).stdout).toContain('<table>');
  });

  it('asks for --instrument or --study, and refuses --form without an instrument', async () => {
    expect((await run(['codebook', '--format', 'md'])).code).toBe(2);
    const dir = join(tempDir('cli-codebook-'), 'study');
    await run(['init', dir]);
    const form = await run(['codebook', '--study', dir, '--form', 'client']);
    expect(form.code).toBe(2);
    expect(form.stderr).toMatch(/give --instrument ID \[--form FORM\], or --study DIR alone/);
    // the single-instrument codebook is unchanged by --study
    const one = JSON.parse(
      (await run(['codebook', '--study', dir, '--instrument', 'srs', '--form', 'client', '--json'])).stdout,
    );
    expect(one).toMatchObject({ instrument: 'srs', forms: ['client'] });
  });
});
