import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { near, readGolden, readReference } from '../../../../../../test/support/data';
import { runCore as main } from '../testing';
import { tempDir } from '../../../../../../test/support/temp-dir';

const dir = tempDir('alliance-reliability-');
function csv(name: string, header: string[], rows: Array<Array<string | number | null>>): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `${[header.join(','), ...rows.map((r) => r.map((v) => (v === null ? '' : String(v))).join(','))].join('\n')}\n`,
  );
  return path;
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
async function json(argv: string[]) {
  const r = await run([...argv, '--json']);
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(r.stdout) as Record<string, any>;
}
/** Long CSV from a subjects × raters matrix. */
function longRows(m: Array<Array<number | string | null>>, raters?: string[]): Array<Array<string | number | null>> {
  return m.flatMap((r, i) => r.map((v, j) => [`s${i + 1}`, raters ? raters[j]! : `r${j + 1}`, v]));
}

const sf = readReference<{
  data: number[][];
  'expected_full_precision_psych_2.2.9': { ICC: Record<string, number>; CI95_lower: Record<string, number> };
}>('icc_shrout_fleiss_1979.json');
const raw4 = readReference<{
  data: Array<Array<number | null>>;
  expected_full_precision_unweighted: Record<string, number>;
  expected_weighted_irrCAC_computed_here: any;
}>('gwet_ac1_ac2_irrcac.json');

describe('alliance stats icc', () => {
  const long = csv('sf-long.csv', ['subject', 'rater', 'value'], longRows(sf.data));
  const wide = csv(
    'sf-wide.csv',
    ['subject', 'A', 'B', 'C', 'D'],
    sf.data.map((r, i) => [`s${i + 1}`, ...r]),
  );

  it('all raters identical: F is null with its reason in JSON, and NA with the reason in the text', async () => {
    const same = csv(
      'icc-same.csv',
      ['subject', 'rater', 'value'],
      longRows([
        [1, 1, 1],
        [2, 2, 2],
        [4, 4, 4],
        [3, 3, 3],
      ]),
    );
    const d = await json(['stats', 'icc', '--in', same]);
    expect(d.ICC3).toMatchObject({ icc: 1, f: null, p: 0, ci95: [1, 1] });
    expect(d.ICC3.reasons.f).toMatch(/residual mean square is 0/);
    const { stdout } = await run(['stats', 'icc', '--in', same]);
    expect(stdout).toMatch(/NA ICC1\.f, ICC1k\.f: the residual mean square is 0/);
  });

  it('prints every form as {icc, f, df1, df2, p, ci95} with n and method (long CSV, default columns)', async () => {
    const d = await json(['stats', 'icc', '--in', long]);
    const names: Record<string, string> = {
      ICC1: 'ICC(1,1)',
      ICC2: 'ICC(2,1)',
      ICC3: 'ICC(3,1)',
      ICC1k: 'ICC(1,k)',
      ICC2k: 'ICC(2,k)',
      ICC3k: 'ICC(3,k)',
    };
    for (const key of Object.keys(names)) {
      expect(Object.keys(d[key]).sort()).toEqual(['ci95', 'df1', 'df2', 'f', 'icc', 'p']);
      expect(d[key].ci95).toHaveLength(2);
      expect(near(d[key].icc, sf['expected_full_precision_psych_2.2.9'].ICC[names[key]!]!, 1e-6)).toBe(true);
      expect(near(d[key].ci95[0], sf['expected_full_precision_psych_2.2.9'].CI95_lower[names[key]!]!, 1e-6)).toBe(true);
    }
    expect(d.n).toBe(6);
    expect(d.raters).toBe(4);
    expect(d.method).toMatch(/Shrout & Fleiss/);
    expect(d.forms.ICC2).toEqual({
      shroutFleiss: 'ICC(2,1)',
      mcgrawWong: 'ICC(A,1)',
      model: expect.stringContaining('absolute agreement'),
    });
  });

  it('reads the same data from a wide file, and renamed columns from a long one', async () => {
    const a = await json(['stats', 'icc', '--in', long]);
    const b = await json(['stats', 'icc', '--in', wide, '--wide']);
    expect(b.ICC3).toEqual(a.ICC3);
    const renamed = csv('sf-renamed.csv', ['target', 'judge', 'score'], longRows(sf.data));
    const c = await json([
      'stats',
      'icc',
      '--in',
      renamed,
      '--subject',
      'target',
      '--rater',
      'judge',
      '--value',
      'score',
    ]);
    expect(c.ICC2k).toEqual(a.ICC2k);
  });

  it('drops incomplete subjects by default and says so; --missing model uses REML', async () => {
    const g = readGolden<{
      icc: {
        incomplete: {
          data: Array<Array<number | null>>;
          drop: { dropped: number; forms: any };
          model_tight: { forms: any };
        };
      };
    }>('reliability.json').icc.incomplete;
    const file = csv('incomplete.csv', ['subject', 'rater', 'value'], longRows(g.data));
    const drop = await json(['stats', 'icc', '--in', file]);
    expect(drop.missing.subjectsDropped).toBe(g.drop.dropped);
    expect(drop.method).toContain(`${g.drop.dropped} of 30 subjects dropped`);
    expect(near(drop.ICC2.icc, g.drop.forms.ICC2.icc, 1e-6)).toBe(true);
    const model = await json(['stats', 'icc', '--in', file, '--missing', 'model']);
    expect(model.method).toMatch(/REML/);
    expect(model.missing.mode).toBe('model');
    for (const key of ['ICC1', 'ICC2', 'ICC3', 'ICC1k', 'ICC2k', 'ICC3k']) {
      expect(near(model[key].icc, g.model_tight.forms[key].icc, 1e-6)).toBe(true);
      expect(near(model[key].ci95[1], g.model_tight.forms[key].ci95[1], 1e-6)).toBe(true);
    }
  });

  it('prints a readable table without --json', async () => {
    const r = await run(['stats', 'icc', '--in', long]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/form\s+Shrout–Fleiss\s+McGraw–Wong\s+ICC\s+F\s+df1\s+df2\s+p\s+95% CI/);
    expect(r.stdout).toMatch(/ICC3k\s+ICC\(3,k\)\s+ICC\(C,k\)\s+0\.9093/);
  });
});

describe('alliance stats alpha, kappa, fleiss, ac', () => {
  const raters = ['Rater1', 'Rater2', 'Rater3', 'Rater4'];
  const file = csv('raw4.csv', ['subject', 'rater', 'value'], longRows(raw4.data, raters));

  it('alpha: {alpha, metric, units, coders, pairable, ci95, n, method}, bootstrap reproducible from --seed', async () => {
    const d = await json(['stats', 'alpha', '--in', file, '--metric', 'nominal', '--seed', '5']);
    for (const k of ['alpha', 'metric', 'units', 'coders', 'pairable', 'ci95', 'n', 'method'])
      expect(d).toHaveProperty(k);
    expect(near(d.alpha, raw4.expected_full_precision_unweighted.krippendorff_alpha!, 1e-6)).toBe(true);
    expect(d.metric).toBe('nominal');
    expect(d.units).toBe(12);
    expect(d.coders).toBe(4);
    expect(d.pairable).toBe(40);
    expect(d.ci95).toHaveLength(2);
    const again = await json(['stats', 'alpha', '--in', file, '--metric', 'nominal', '--seed', '5']);
    expect(again.ci95).toEqual(d.ci95);
    const interval = await json(['stats', 'alpha', '--in', file, '--bootstrap', '0']);
    expect(interval.metric).toBe('interval');
    expect(interval.ci95).toBeNull();
  });

  it('alpha without variation is null with the reason', async () => {
    const flat = csv(
      'flat.csv',
      ['subject', 'rater', 'value'],
      longRows([
        [3, 3],
        [3, 3],
      ]),
    );
    const d = await json(['stats', 'alpha', '--in', flat]);
    expect(d.alpha).toBeNull();
    expect(d.undefinedReason).toMatch(/do not vary/);
  });

  it('kappa: {kappa, se, ci95, weights, n, method} for the two raters picked with --raters', async () => {
    const d = await json(['stats', 'kappa', '--in', file, '--raters', 'Rater3,Rater4', '--weights', 'quadratic']);
    for (const k of ['kappa', 'se', 'ci95', 'weights', 'n', 'method']) expect(d).toHaveProperty(k);
    expect(d.weights).toBe('quadratic');
    expect(d.raters).toEqual(['Rater3', 'Rater4']);
    expect(d.ci95[0]).toBeCloseTo(d.kappa - 1.959963984540054 * d.se, 12);
    const swapped = await json(['stats', 'kappa', '--in', file, '--raters', 'Rater4,Rater3', '--weights', 'quadratic']);
    expect(swapped.kappa).toBeCloseTo(d.kappa, 14);
  });

  it('fleiss and ac match irrCAC on the same file', async () => {
    const f = await json(['stats', 'fleiss', '--in', file]);
    expect(near(f.kappa, raw4.expected_full_precision_unweighted.fleiss_kappa!, 1e-6)).toBe(true);
    expect(f.categories).toHaveLength(5);
    // Some ratings are missing, so the per-category SEs under kappa = 0 are undefined, and say why.
    expect(Object.keys(f.categories[0]).sort()).toEqual([
      'category',
      'kappa',
      'p',
      'proportion',
      'reasons',
      'se0',
      'z',
    ]);
    expect(f.categories[0].se0).toBeNull();
    expect(f.categories[0].reasons.se0).toMatch(/different numbers of ratings/);
    const a = await json(['stats', 'ac', '--in', file]);
    expect(a.coefficient).toBe('AC1');
    expect(near(a.ac, raw4.expected_full_precision_unweighted.AC1!, 1e-6)).toBe(true);
    const a2 = await json(['stats', 'ac', '--in', file, '--weights', 'quadratic']);
    expect(a2.coefficient).toBe('AC2');
    expect(near(a2.ac, raw4.expected_weighted_irrCAC_computed_here.AC2_quadratic.value, 1e-6)).toBe(true);
    for (const d of [f, a]) {
      expect(d.n).toBe(12);
      expect(typeof d.method).toBe('string');
    }
  });
});

describe('alliance stats bland-altman', () => {
  const wright = [494, 395, 516, 434, 476, 557, 413, 442, 650, 433, 417, 656, 267, 478, 178, 423, 427];
  const mini = [512, 430, 520, 428, 500, 600, 364, 380, 658, 445, 432, 626, 260, 477, 259, 350, 451];

  it('takes --subject/--x/--y, leaves out incomplete rows and counts them', async () => {
    const file = csv(
      'pefr.csv',
      ['subject', 'x', 'y'],
      [...wright.map((w, i) => [`p${i + 1}`, w, mini[i]!]), ['p18', 'NA', 400]],
    );
    const d = await json(['stats', 'bland-altman', '--in', file]);
    expect(d.n).toBe(17);
    expect(d.excluded).toBe(1);
    expect(d.bias).toBeCloseTo(-2.1, 1);
    expect(d.sd).toBeCloseTo(38.8, 1);
    expect(d.loa).toHaveLength(2);
    expect(Object.keys(d.loaCi95)).toEqual(['lower', 'upper']);
    expect(Object.keys(d.proportionalBias).sort()).toEqual(['ci95', 'df', 'intercept', 'p', 'se', 'slope', 't']);
    expect(d.method).toMatch(/x − y/);
    const renamed = csv(
      'pefr2.csv',
      ['id', 'wright', 'mini'],
      wright.map((w, i) => [`p${i + 1}`, w, mini[i]!]),
    );
    const e = await json(['stats', 'bland-altman', '--in', renamed, '--subject', 'id', '--x', 'wright', '--y', 'mini']);
    expect(e.bias).toBe(d.bias);
  });
});

describe('bad input is an error naming the file, line and column', () => {
  async function fails(argv: string[], code: 1 | 2) {
    const r = await run([...argv, '--json']);
    expect(r.code, r.stderr).toBe(code);
    return {
      ...(JSON.parse(r.stdout).error as {
        kind: string;
        message: string;
        file?: string;
        line?: number;
        column?: string;
      }),
      stderr: r.stderr,
    };
  }

  it('a non-numeric rating', async () => {
    const file = csv(
      'bad-value.csv',
      ['subject', 'rater', 'value'],
      [
        ['s1', 'a', 1],
        ['s1', 'b', 2],
        ['s2', 'a', 'high'],
        ['s2', 'b', 3],
      ],
    );
    for (const cmd of ['icc', 'alpha']) {
      const e = await fails(['stats', cmd, '--in', file], 1);
      expect(e).toMatchObject({ kind: 'input', file: 'bad-value.csv', line: 4, column: 'value' });
      expect(e.message).toMatch(/expected a number, found "high"/);
    }
    const wide = csv(
      'bad-wide.csv',
      ['subject', 'A', 'B'],
      [
        ['s1', 1, 2],
        ['s2', 3, 'x'],
      ],
    );
    expect(await fails(['stats', 'icc', '--in', wide, '--wide'], 1)).toMatchObject({ line: 3, column: 'B' });
    const ba = csv(
      'bad-ba.csv',
      ['subject', 'x', 'y'],
      [
        ['s1', 1, 2],
        ['s2', '?', 3],
        ['s3', 4, 4],
      ],
    );
    expect(await fails(['stats', 'bland-altman', '--in', ba], 1)).toMatchObject({ line: 3, column: 'x' });
  });

  it('a rater column with one rater', async () => {
    const file = csv(
      'one-rater.csv',
      ['subject', 'rater', 'value'],
      [
        ['s1', 'a', 1],
        ['s2', 'a', 2],
        ['s3', 'a', 3],
      ],
    );
    for (const cmd of ['icc', 'alpha', 'kappa', 'fleiss', 'ac']) {
      const e = await fails(['stats', cmd, '--in', file], 1);
      expect(e).toMatchObject({ kind: 'input', file: 'one-rater.csv', line: 2, column: 'rater' });
      expect(e.message).toMatch(/only one rater \("a"\)/);
    }
  });

  it('an empty file, and a header without rows', async () => {
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    for (const cmd of ['icc', 'alpha', 'kappa', 'fleiss', 'ac', 'bland-altman']) {
      const e = await fails(['stats', cmd, '--in', empty], 1);
      expect(e).toMatchObject({ kind: 'input', file: 'empty.csv', line: 1 });
      expect(e.message).toMatch(/empty/);
    }
    const header = csv('header.csv', ['subject', 'rater', 'value'], []);
    expect(await fails(['stats', 'icc', '--in', header], 1)).toMatchObject({ line: 2 });
  });

  it('a missing column, a repeated rating, kappa with more than two raters', async () => {
    const file = csv('cols.csv', ['id', 'rater', 'value'], [['s1', 'a', 1]]);
    expect((await fails(['stats', 'icc', '--in', file], 1)).message).toMatch(
      /no column "subject" \(set with --subject\)/,
    );
    const dup = csv(
      'dup.csv',
      ['subject', 'rater', 'value'],
      [
        ['s1', 'a', 1],
        ['s1', 'b', 2],
        ['s1', 'a', 3],
      ],
    );
    expect(await fails(['stats', 'icc', '--in', dup], 1)).toMatchObject({ line: 4, column: 'rater' });
    const three = csv(
      'three.csv',
      ['subject', 'rater', 'value'],
      longRows([
        [1, 2, 3],
        [2, 2, 3],
      ]),
    );
    expect((await fails(['stats', 'kappa', '--in', three], 1)).message).toMatch(/two raters.*--raters/);
  });

  it('too few complete subjects is bad input; an unknown option value is a usage error', async () => {
    const sparse = csv(
      'sparse.csv',
      ['subject', 'rater', 'value'],
      [
        ['s1', 'a', 1],
        ['s1', 'b', 2],
        ['s2', 'a', 3],
        ['s3', 'b', 4],
      ],
    );
    expect((await fails(['stats', 'icc', '--in', sparse], 1)).message).toMatch(/--missing model|REML/);
    expect((await fails(['stats', 'alpha', '--in', sparse, '--metric', 'cardinal'], 2)).kind).toBe('usage');
    expect((await fails(['stats', 'kappa', '--in', sparse, '--weights', 'cubic'], 2)).kind).toBe('usage');
  });
});
