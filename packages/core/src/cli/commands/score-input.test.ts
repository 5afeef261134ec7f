import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function csv(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'score-input-'));
  dirs.push(dir);
  const file = join(dir, 'in.csv');
  writeFileSync(file, text);
  return file;
}
const score = (file: string) => run(['score', '--instrument', 'wai-sr', '--form', 'client', '--in', file, '--json']);

describe('alliance score: which columns and values a file may hold', () => {
  it('refuses a file whose item columns are absent, naming them, instead of prorating over them', async () => {
    const noLast = csv(['client,1,2,3,4,5,6,7,8,9,10', 'C1,5,4,3,4,5,2,3,4,5,1'].join('\n'));
    const r = await score(noLast);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ kind: 'input', file: noLast, line: 1 });
    expect(r.stderr).toContain('no column for items 11, 12 of wai-sr client');
    const three = await score(csv(['client,1,2,3', 'C1,5,4,3'].join('\n')));
    expect(three.code).toBe(1);
    expect(three.stderr).toContain('no column for items 4–12 of wai-sr client');
  });

  it('still prorates over empty cells in columns that are present', async () => {
    const r = await score(csv(['client,1,2,3,4,5,6,7,8,9,10,11,12', 'C1,5,4,3,4,5,2,3,4,5,1,,3'].join('\n')));
    expect(r.code).toBe(0);
    const [row] = JSON.parse(r.stdout).rows;
    expect(row.scales.goal).toMatchObject({ prorated: true, missing: false });
    expect(row.scales.total.score).toBeCloseTo((39 / 11) * 12, 9);
  });
});

describe('a signed value on a scale without negative points ("+3") is refused by score and import alike', () => {
  const header = 'client,therapist,session,date,1,2,3,4,5,6,7,8,9,10,11,12';
  const signed = 'C1,T1,1,2026-01-12,+3,4,3,3,3,3,4,4,4,4,4,4';

  it('score reports the value and exits 1', async () => {
    const r = await score(csv([header, signed].join('\n')));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).rows[0].errors[0]).toMatchObject({ item: '1', value: '+3' });
    expect(JSON.parse(r.stdout).rows[0].errors[0].message).toMatch(/"\+3" has a plus sign.*recode the file to 1–5/);
  });

  it('import responses refuses the file and stores nothing', async () => {
    const base = mkdtempSync(join(tmpdir(), 'score-input-study-'));
    dirs.push(base);
    const study = join(base, 'study');
    expect((await run(['init', study, '--json'])).code).toBe(0);
    const file = csv([header, signed].join('\n'));
    const args = ['import', 'responses', '--study', study, '--instrument', 'wai-sr', '--form', 'client', file];
    const r = await run([...args, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.stringify(JSON.parse(r.stdout).errors)).toContain('has a plus sign');
    expect(JSON.parse((await run(['status', '--study', study, '--json'])).stdout).responses).toBe(0);
  });
});
