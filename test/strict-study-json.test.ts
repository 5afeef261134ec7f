import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '@alliance-lab/cli';
import { describe, expect, it } from 'vitest';
import { tempDir } from './support/temp-dir';

const parent = tempDir('strict-study-');

let n = 0;
function study(config: unknown): string {
  const dir = join(parent, `s${++n}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'study.json'), JSON.stringify(config));
  return dir;
}

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
  });
  return { code, stdout, stderr };
}

describe('every command that loads a study refuses a study.json with mistakes', () => {
  it('status refuses a mistyped key, an unknown instrument and a mistyped rater option', async () => {
    const typo = await run(['status', '--study', study({ name: 'S', remoteProvider: 'forbid' })]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/unknown key "remoteProvider"; did you mean "remoteProviders"\?/);

    const instrument = study({ name: 'S', instruments: [{ instrument: 'wai-xx', form: 'client' }] });
    for (const argv of [
      ['status', '--study', instrument],
      ['export', 'scores', '--study', instrument, '--out', join(parent, 'x.csv')],
    ]) {
      const r = await run(argv);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/instruments\[0\]: unknown instrument "wai-xx"; did you mean "wai-sr"\?/);
    }

    const option = await run([
      'status',
      '--study',
      study({ name: 'S', raters: { gpt: { provider: 'openai', model: 'm', options: { jsonmode: true } } } }),
      '--json',
    ]);
    expect(option.code).toBe(1);
    expect(JSON.parse(option.stdout).error.message).toMatch(
      /rater "gpt": unknown key "options\.jsonmode"; did you mean "options\.jsonMode"\?/,
    );
  });
});
