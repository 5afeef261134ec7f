import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds, useStore } from '../../../../../test/support/stores';
import { FIXTURES } from '../../import/responses/test-input';
import { runCore as main } from './testing';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
  });
  return { code, stdout, stderr };
}

describe.each(storeKinds)('alliance export scores on %s', (kind) => {
  useStore(kind, { shared: true });
  let root: string;
  let dir: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'cli-export-'));
    dir = join(root, 'study');
    await run(['init', dir]);
    const imported = await run([
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
    expect(imported.code).toBe(0);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes the filtered long CSV', async () => {
    const out = join(root, 'total.csv');
    const r = await run(['export', 'scores', '--study', dir, '--scale', 'total', '--rater', 'K01', '--out', out]);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(
      'session_id,client,therapist,session,date,source,rater,replicate,instrument,form,scale,score,pomp,prorated,missing',
    );
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((l) => l.includes(',coder,K01,0,wai-o-s,observer,total,'))).toBe(true);
  });

  it('refuses a filter that matches nothing (exit 1), listing the valid values and the nearest, and writes nothing', async () => {
    const out = join(root, 'none.csv');
    const scale = await run(['export', 'scores', '--study', dir, '--scale', 'totl', '--out', out]);
    expect(scale.code).toBe(1);
    expect(scale.stderr).toMatch(
      /no scores with scale "totl"; the scales are .*\btotal\b.* \(did you mean "total"\?\)/,
    );
    expect(existsSync(out)).toBe(false);

    const rater = await run(['export', 'scores', '--study', dir, '--rater', 'K01', '--rater', 'K10', '--out', out]);
    expect(rater.code).toBe(1);
    expect(rater.stderr).toMatch(/no scores with rater "K10"; the raters are K01, K02.* \(did you mean "K01"\?\)/);
    expect(existsSync(out)).toBe(false);

    const json = await run(['export', 'scores', '--study', dir, '--instrument', 'srs', '--out', out, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error.message).toMatch(
      /^no scores with instrument "srs"; the instruments are wai-o-s$/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
