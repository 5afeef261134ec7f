import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { near, readGolden } from '../../../../../../test/support/data';
import { tempDir } from '../../../../../../test/support/temp-dir';
import { internalConsistency } from '../../../stats/consistency';
import { runCore as main } from '../testing';
import { storeKinds, useStore } from '../../../../../../test/support/stores';

const dir = tempDir('alliance-consistency-');
const FIXTURES = join(import.meta.dirname, '../../../../../../test/fixtures/responses');

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
  });
  return { code, stdout, stderr };
}
async function json(argv: string[]) {
  const r = await run([...argv, '--json']);
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Record<string, any>;
}
function csv(name: string, header: string[], rows: Array<Array<string | number | null>>): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `${[header, ...rows].map((r) => r.map((v) => (v === null ? '' : String(v))).join(',')).join('\n')}\n`,
  );
  return path;
}

const golden = readGolden<{ consistency: any[]; multilevel: any[] }>('consistency.json');

describe('alliance stats consistency --in', () => {
  const g = golden.consistency[0];
  const file = csv(
    'items.csv',
    ['id', ...g.items, 'note'],
    g.data.map((r: any[], i: number) => [`r${i}`, ...r, 'x']),
  );

  it('every numeric column by default: the JSON shape, and psych values', async () => {
    const d = await json(['stats', 'consistency', '--in', file]);
    expect(Object.keys(d).sort()).toEqual(['alpha', 'dropped', 'items', 'method', 'n', 'omega', 'source'].sort());
    expect(Object.keys(d.alpha).sort()).toEqual(['ci95', 'raw', 'standardized']);
    expect(d.n).toBe(g.n);
    expect(d.dropped).toBe(g.dropped);
    expect(near(d.alpha.raw, g.alpha.raw, 1e-6)).toBe(true);
    expect(near(d.alpha.ci95[1], g.alpha.ci95[1], 1e-6)).toBe(true);
    expect(Math.abs(d.omega.total - g.omega.total)).toBeLessThan(1e-4);
    expect(d.items.map((i: any) => i.item)).toEqual(g.items);
    expect(near(d.items[2].rDrop, g.items_out[2].rDrop, 1e-6)).toBe(true);
    expect(d.method).toContain(`${g.dropped} dropped`);
  });

  it('--items picks columns; a text value in one is refused naming line and column', async () => {
    const d = await json(['stats', 'consistency', '--in', file, '--items', 'item1,item2,item3']);
    expect(d.items).toHaveLength(3);
    const bad = csv(
      'bad.csv',
      ['a', 'b', 'c'],
      [
        [1, 2, 3],
        [2, 'x', 3],
      ],
    );
    const r = await run(['stats', 'consistency', '--in', bad, '--items', 'a,b,c']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.csv, line 3, column "b".*expected a number, found "x"/);
  });

  it('prints a readable table', async () => {
    const r = await run(['stats', 'consistency', '--in', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Cronbach's alpha \(raw\)\s+0\.793/);
    expect(r.stdout).toMatch(/item\s+r\.drop\s+alpha if dropped/);
  });

  it('--multilevel with --subject and --session matches psych::multilevel.reliability', async () => {
    const m = golden.multilevel[1];
    const f = csv(
      'ml.csv',
      ['client', 'session', ...m.items],
      m.rows.map((r: any) => [r.subject, r.time, ...r.values]),
    );
    const d = await json([
      'stats',
      'consistency',
      '--in',
      f,
      '--multilevel',
      '--subject',
      'client',
      '--session',
      'session',
    ]);
    expect(d.droppedSubjects).toBe(m.droppedSubjects);
    expect(near(d.RkF, m.RkF, 1e-6)).toBe(true);
    expect(near(d.Rc, m.Rc, 1e-6)).toBe(true);
    const r = await run(['stats', 'consistency', '--in', f, '--multilevel']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--subject and --session/);
  });
});

describe.each(storeKinds)('alliance stats consistency --study on %s', (kind) => {
  useStore(kind);
  it('reads stored responses, reverse-keyed as the engine keys them, restricted to a scale', async () => {
    const study = join(tempDir('alliance-consistency-study-'), 'study');
    expect((await run(['init', study, '--json'])).code).toBe(0);
    const coders = join(FIXTURES, 'coders-wai-o-s.csv');
    const imp = await run([
      'import',
      'responses',
      '--study',
      study,
      '--instrument',
      'wai-o-s',
      '--form',
      'observer',
      coders,
      '--json',
    ]);
    expect(imp.code, imp.stderr).toBe(0);
    const self = join(FIXTURES, 'wai-sr-wide.csv');
    expect(
      (await run(['import', 'responses', '--study', study, '--instrument', 'wai-sr', '--form', 'client', self])).code,
    ).toBe(0);

    // Goal is items 4, 6, 8, 11 of the WAI-O-S, item 4 reversed on 1–7 (8 − x).
    const lines = readFileSync(coders, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const col = (id: string) => 4 + Number(id) - 1;
    const expected = internalConsistency(
      lines.map((l) => ['4', '6', '8', '11'].map((id) => (id === '4' ? 8 - Number(l[col(id)]) : Number(l[col(id)])))),
      ['4', '6', '8', '11'],
    );
    const base = ['stats', 'consistency', '--study', study, '--instrument', 'wai-o-s', '--form', 'observer'];
    const d = await json([...base, '--source', 'coder', '--scale', 'goal']);
    expect(d.n).toBe(lines.length);
    expect(d.alpha.raw).toBeCloseTo(expected.alpha.raw!, 12);
    expect(d.items.map((i: any) => i.alphaIfDropped)).toEqual(expected.items.map((i) => i.alphaIfDropped));
    // The coders' forms are not self-reports.
    const none = await run([...base, '--scale', 'goal']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no self-report responses to wai-o-s observer/);

    // Self-report from the store equals the same file read with --in.
    const fromStore = await json([
      'stats',
      'consistency',
      '--study',
      study,
      '--instrument',
      'wai-sr',
      '--form',
      'client',
    ]);
    const fromFile = await json([
      'stats',
      'consistency',
      '--in',
      self,
      '--items',
      Array.from({ length: 12 }, (_, i) => i + 1).join(','),
    ]);
    expect(fromStore.alpha).toEqual(fromFile.alpha);
    expect(fromStore.omega).toEqual(fromFile.omega);

    const scale = await run([...base, '--source', 'coder', '--scale', 'nope']);
    expect(scale.code).toBe(2);
    expect(scale.stderr).toMatch(/no scale "nope"; its scales are goal, task, bond/);
  });
});
