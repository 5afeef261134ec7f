import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCore as main } from './testing';
import { tempDir } from '../../../../../test/support/temp-dir';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
  });
  return { code, stdout, stderr };
}

function csv(text: string): string {
  const file = join(tempDir('score-'), 'in.csv');
  writeFileSync(file, text);
  return file;
}

const WAI = [
  'client,session,1,2,3,4,5,6,7,8,9,10,11,12',
  '007,1,5,4,3,4,5,2,3,4,5,1,2,3',
  '008,02,5,4,3,4,5,2,3,4,,1,2,3',
].join('\n');

describe('alliance score --json (the contract scripts use)', () => {
  it('prints exactly {instrument, form, rows} with ids kept as strings and four keys per scale', async () => {
    const { code, stdout } = await run([
      'score',
      '--instrument',
      'wai-sr',
      '--form',
      'client',
      '--in',
      csv(WAI),
      '--json',
    ]);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const out = JSON.parse(stdout);
    expect(Object.keys(out)).toEqual(['instrument', 'form', 'rows']);
    expect(out.instrument).toBe('wai-sr');
    expect(out.form).toBe('client');
    expect(out.rows).toHaveLength(2);
    const [r1, r2] = out.rows;
    expect(Object.keys(r1)).toEqual(['row', 'ids', 'scales', 'errors']);
    expect(r1.row).toBe(1);
    expect(r1.ids).toEqual({ client: '007', session: '1' });
    expect(r2.ids).toEqual({ client: '008', session: '02' });
    expect(Object.keys(r1.scales)).toEqual(['goal', 'task', 'bond', 'total']);
    // row 1: task 5+4+1+3 = 13 → (13−4)/16·100 = 56.25; bond 3+5+3+5 = 16 → 75; goal 4+2+4+2 = 12 → 50; total 41
    expect(r1.scales.task).toEqual({ score: 13, pomp: 56.25, prorated: false, missing: false });
    expect(r1.scales.bond).toEqual({ score: 16, pomp: 75, prorated: false, missing: false });
    expect(r1.scales.goal).toEqual({ score: 12, pomp: 50, prorated: false, missing: false });
    expect(r1.scales.total.score).toBe(41);
    expect(r1.errors).toEqual([]);
    // row 2 lacks item 9: bond = mean(3,5,3) × 4 = 44/3, prorated; total = 36/11 × 12 = 432/11
    expect(r2.scales.bond.prorated).toBe(true);
    expect(r2.scales.bond.score).toBeCloseTo(44 / 3, 8);
    expect(r2.scales.total.score).toBeCloseTo(432 / 11, 8);
  });

  it('reports bad values per row, still scores what it can, and exits 1', async () => {
    const file = csv(
      ['id,1,2,3,4,5,6,7,8,9,10,11,12,13', 'a,5,4,3,4,5,2,3,4,5,1,2,3,', 'b,5,9,3,4,5,2,3,4,5,1,x,3,'].join('\n'),
    );
    const { code, stdout } = await run(['score', '--instrument', 'wai-sr', '--form', 'client', '--in', file, '--json']);
    expect(code).toBe(1);
    const { rows } = JSON.parse(stdout);
    // column 13 is not a WAI-SR item: an error in every row, never an id column
    expect(rows[0].ids).toEqual({ id: 'a' });
    expect(rows[0].errors.map((e: { message: string }) => e.message)).toEqual([
      'row 1, item 13: unknown item "13"; wai-sr client items are 1–12',
    ]);
    expect(rows[1].errors.map((e: { message: string }) => e.message)).toEqual([
      'row 2, item 2: 9 is above the scale maximum 5',
      'row 2, item 11: "x" is not a number',
      'row 2, item 13: unknown item "13"; wai-sr client items are 1–12',
    ]);
    expect(rows[1].errors[0]).toMatchObject({ item: '2', value: '9', line: 3 });
    // task without item 2: mean(5,1,3) × 4 = 12, prorated; goal without 11: mean(4,2,4) × 4 = 40/3
    expect(rows[1].scales.task).toEqual({ score: 12, pomp: 50, prorated: true, missing: false });
    expect(rows[1].scales.goal.score).toBeCloseTo(40 / 3, 8);
    expect(rows[1].scales.bond).toEqual({ score: 16, pomp: 75, prorated: false, missing: false });
  });

  it('marks scales missing and scores the SRS child form', async () => {
    const file = csv(['client,1,2,3,4', 'k1,10,0,5.5,9.9', 'k2,7,8,,9'].join('\n'));
    const { code, stdout } = await run(['score', '--instrument', 'srs', '--form', 'child', '--in', file, '--json']);
    expect(code).toBe(0);
    const { rows } = JSON.parse(stdout);
    // 10 + 0 + 5.5 + 9.9 = 25.4 of 40 → POMP 63.5
    expect(rows[0].scales.total.score).toBeCloseTo(25.4, 9);
    expect(rows[0].scales.total.pomp).toBeCloseTo(63.5, 9);
    expect(rows[1].scales.total).toEqual({ score: null, pomp: null, prorated: false, missing: true });
  });

  it('prints a readable table without --json', async () => {
    const { code, stdout } = await run(['score', '--instrument', 'wai-sr', '--form', 'client', '--in', csv(WAI)]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('Working Alliance Inventory – Short Revised (WAI-SR), WAI-SR (client form): 2 rows scored');
    expect(lines[1]).toMatch(/^row\s+client\s+session\s+goal\s+task\s+bond\s+total\s+notes$/);
    expect(lines[3]).toMatch(/^\s*1\s+007\s+1\s+12\s+13\s+16\s+41$/);
    expect(lines[4]).toContain('prorated: bond total');
  });

  it('rejects a file with no item column (exit 1) and an unknown instrument or form (exit 2)', async () => {
    const headerOnly = await run([
      'score',
      '--instrument',
      'srs',
      '--form',
      'client',
      '--in',
      csv('client,a,b\n'),
      '--json',
    ]);
    expect(headerOnly.code).toBe(1);
    const noItems = await run([
      'score',
      '--instrument',
      'srs',
      '--form',
      'client',
      '--in',
      csv('client,a,b\nx,1,2\n'),
      '--json',
    ]);
    expect(noItems.code).toBe(1);
    expect(JSON.parse(noItems.stdout).error).toMatchObject({ kind: 'input', line: 1 });
    expect(noItems.stderr).toContain('no column is named after an item of srs client (1–4)');
    const unknown = await run(['score', '--instrument', 'haq', '--form', 'client', '--in', csv(WAI), '--json']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout).error.message).toMatch(
      /^unknown instrument "haq"; known instruments are arm-12, arm-28, arm-5, calpas, srs, wai-o-s, wai-sr/,
    );
    const badForm = await run(['score', '--instrument', 'wai-o-s', '--form', 'client', '--in', csv(WAI)]);
    expect(badForm.code).toBe(2);
    expect(badForm.stderr).toContain('instrument "wai-o-s" has no form "client"; its forms are observer');
  });
});
