import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { near, readGolden, readReference } from '../../../../../../test/support/data';
import { runCore as main } from '../testing';
import { tempDir } from '../../../../../../test/support/temp-dir';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
  });
  return { code, stdout, stderr };
}

async function runJson(argv: string[]) {
  const r = await run([...argv, '--json']);
  expect(r.stdout.trim().split('\n')).toHaveLength(1);
  return { ...r, json: JSON.parse(r.stdout) as Record<string, any> };
}

const dir = tempDir('assoc-cli-');
function csv(name: string, columns: Record<string, ReadonlyArray<string | number>>): string {
  const keys = Object.keys(columns);
  const n = columns[keys[0]!]!.length;
  const lines = [keys.join(',')];
  for (let i = 0; i < n; i++) lines.push(keys.map((k) => String(columns[k]![i])).join(','));
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

interface Golden {
  correlation: {
    data: { subject: string[]; x: number[]; y: number[] };
    pearson: { r: number };
    spearman: { r: number };
    rmcorr: { r: number; df: number; p: number; ci95: number[] };
    between: { r: number };
    within: { r: number };
  };
  lmm: Array<{
    name: string;
    formula: string;
    data: Record<string, Array<string | number>>;
    fixed: Array<{ term: string; estimate: number; se: number; df: number }>;
    criterion: number;
  }>;
}
const golden = readGolden<Golden>('association.json');
const corrFile = csv('corr.csv', {
  client: golden.correlation.data.subject,
  wai: golden.correlation.data.x,
  srs: golden.correlation.data.y,
});

describe('alliance stats corr | rmcorr | decompose', () => {
  it('corr prints the pooled correlations only beside rmcorr and the within/between parts', async () => {
    const { code, json, stderr } = await runJson([
      'stats',
      'corr',
      '--in',
      corrFile,
      '--subject',
      'client',
      '--x',
      'wai',
      '--y',
      'srs',
    ]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const g = golden.correlation;
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining(['pooled', 'rmcorr', 'between', 'within', 'method', 'n', 'clients']),
    );
    expect(near(json.pooled.pearson.r, g.pearson.r, 1e-6)).toBe(true);
    expect(near(json.pooled.spearman.r, g.spearman.r, 1e-6)).toBe(true);
    expect(near(json.rmcorr.r, g.rmcorr.r, 1e-6)).toBe(true);
    expect(near(json.between.r, g.between.r, 1e-6)).toBe(true);
    expect(near(json.within.r, g.within.r, 1e-6)).toBe(true);
    for (const part of [json.pooled.pearson, json.pooled.spearman, json.rmcorr, json.between, json.within]) {
      expect(part).toEqual(
        expect.objectContaining({ ci95: expect.any(Array), n: expect.any(Number), method: expect.any(String) }),
      );
    }
    const text = await run(['stats', 'corr', '--in', corrFile, '--subject', 'client', '--x', 'wai', '--y', 'srs']);
    expect(text.stdout).toMatch(/pooled Pearson[\s\S]*repeated-measures[\s\S]*between clients[\s\S]*within clients/);
  });

  it('rmcorr reproduces the Gilden (2010) example with the documented JSON keys', async () => {
    const ref = readReference<{
      data: { sub: number[]; rt: number[]; acc: number[] };
      expected_full_precision: { r: number; df: number; p: number; CI95: number[] };
    }>('rmcorr_gilden2010.json');
    const file = csv('gilden.csv', { subject: ref.data.sub, x: ref.data.rt, y: ref.data.acc });
    const { code, json } = await runJson(['stats', 'rmcorr', '--in', file]);
    expect(code).toBe(0);
    expect(json).toEqual(
      expect.objectContaining({
        r: expect.any(Number),
        df: 32,
        p: expect.any(Number),
        ci95: expect.any(Array),
        n: 44,
        method: expect.stringMatching(/Bakdash/),
      }),
    );
    expect(near(json.r, ref.expected_full_precision.r, 1e-6)).toBe(true);
    expect(near(json.p, ref.expected_full_precision.p, 1e-6)).toBe(true);
    expect(near(json.ci95[0], ref.expected_full_precision.CI95[0]!, 1e-6)).toBe(true);
  });

  it('decompose gives between and within with n, df, CI and p', async () => {
    const { code, json } = await runJson([
      'stats',
      'decompose',
      '--in',
      corrFile,
      '--subject',
      'client',
      '--x',
      'wai',
      '--y',
      'srs',
    ]);
    expect(code).toBe(0);
    expect(json.between).toEqual(expect.objectContaining({ n: 30, df: 28 }));
    expect(json.within.df).toBe(golden.correlation.rmcorr.df);
    expect(near(json.between.r, golden.correlation.between.r, 1e-6)).toBe(true);
  });

  it('decompose with one session per client: within r, CI, t, p and df are null with the reason, also in the text', async () => {
    const one = csv('one-session.csv', { client: ['a', 'b', 'c', 'd'], wai: [1, 2, 3, 5], srs: [2, 1, 4, 4] });
    const argv = ['stats', 'decompose', '--in', one, '--subject', 'client', '--x', 'wai', '--y', 'srs'];
    const { code, json } = await runJson(argv);
    expect(code).toBe(0);
    expect(json.within).toMatchObject({ r: null, ci95: null, t: null, p: null, df: null });
    expect(json.within.reasons.df).toMatch(/every client has one session/);
    const { stdout } = await run(argv);
    expect(stdout).toMatch(
      /NA within\.df, within\.r, within\.t, within\.p, within\.ci95: every client has one session/,
    );
  });

  it('leaves out rows with a missing value and counts them', async () => {
    const d = golden.correlation.data;
    const file = csv('missing.csv', {
      subject: d.subject,
      x: d.x.map((v, i) => (i === 3 ? 'NA' : v)),
      y: d.y.map((v, i) => (i === 5 ? '' : v)),
    });
    const { code, json } = await runJson(['stats', 'rmcorr', '--in', file]);
    expect(code).toBe(0);
    expect(json.excluded).toBe(2);
    expect(json.n).toBe(d.x.length - 2);
  });

  it('names the line and column of a non-number, and rejects an empty file and a single client', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'subject,x,y\na,1,2\na,2,3\nb,three,4\nb,4,5\n');
    const r = await runJson(['stats', 'corr', '--in', bad]);
    expect(r.code).toBe(1);
    expect(r.json.error).toMatchObject({ kind: 'input', line: 4, column: 'x' });
    expect(r.json.error.message).toMatch(/expected a number, found "three"/);

    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    expect((await runJson(['stats', 'rmcorr', '--in', empty])).code).toBe(1);
    const headerOnly = join(dir, 'header.csv');
    writeFileSync(headerOnly, 'subject,x,y\n');
    const h = await runJson(['stats', 'rmcorr', '--in', headerOnly]);
    expect(h.code).toBe(1);
    expect(h.json.error.message).toMatch(/no data rows/);

    const one = csv('one.csv', { subject: ['a', 'a', 'a', 'a'], x: [1, 2, 3, 4], y: [2, 1, 4, 3] });
    const o = await runJson(['stats', 'rmcorr', '--in', one]);
    expect(o.code).toBe(1);
    expect(o.json.error).toMatchObject({ kind: 'input', column: 'subject' });
    expect(o.json.error.message).toMatch(/only one client \("a"\)/);

    const noCol = await runJson(['stats', 'corr', '--in', corrFile, '--x', 'wai', '--y', 'srs']);
    expect(noCol.code).toBe(1);
    expect(noCol.json.error).toMatchObject({ line: 1 });
    expect(noCol.json.error.message).toMatch(/no column "subject" \(set with --subject\)/);
  });
});

describe('alliance stats lmm', () => {
  const model = golden.lmm.find((m) => m.name === 'client slopes within therapists')!;
  const file = csv('nested.csv', model.data);

  it('fits the formula and prints fixed effects with Satterthwaite df as lmerTest', async () => {
    const { code, json } = await runJson(['stats', 'lmm', '--in', file, '--formula', model.formula]);
    expect(code).toBe(0);
    expect(json.fixed.map((f: { term: string }) => f.term)).toEqual(model.fixed.map((f) => f.term));
    json.fixed.forEach((f: { estimate: number; se: number; df: number }, i: number) => {
      expect(near(f.estimate, model.fixed[i]!.estimate, 1e-4)).toBe(true);
      expect(near(f.se, model.fixed[i]!.se, 1e-4)).toBe(true);
      expect(near(f.df, model.fixed[i]!.df, 1e-4)).toBe(true);
    });
    expect(near(json.criterion, model.criterion, 1e-4)).toBe(true);
    expect(json.random.map((r: { group: string }) => r.group)).toEqual(['client', 'therapist']);
    expect(json.icc).toHaveLength(2);
    expect(json.method).toMatch(/REML[\s\S]*Satterthwaite/);
    expect(json.ranef).toBeUndefined();
  });

  it('adds per-client OLS and mixed-model trajectories and BLUPs on request', async () => {
    const { json } = await runJson([
      'stats',
      'lmm',
      '--in',
      file,
      '--formula',
      model.formula,
      '--trajectories',
      '--ranef',
    ]);
    expect(json.trajectories.group).toBe('client');
    expect(json.trajectories.ols).toHaveLength(json.random[0].levels);
    expect(json.trajectories.mixed[0]).toEqual(
      expect.objectContaining({ client: expect.any(String), intercept: expect.any(Number), slope: expect.any(Number) }),
    );
    expect(json.ranef.map((r: { group: string }) => r.group)).toEqual(['client', 'therapist']);
  });

  it('prints readable tables without --json', async () => {
    const { code, stdout } = await run(['stats', 'lmm', '--in', file, '--formula', model.formula]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/fixed effects \(Satterthwaite df\)/);
    expect(stdout).toMatch(/ICC \(intercept\): client/);
  });

  it('a formula naming a missing column is bad input naming it; a malformed formula is a usage error', async () => {
    const missing = await runJson(['stats', 'lmm', '--in', file, '--formula', 'y ~ week + (1 | client)']);
    expect(missing.code).toBe(1);
    expect(missing.json.error).toMatchObject({ kind: 'input', line: 1 });
    expect(missing.json.error.message).toMatch(/no column "week"/);
    const syntax = await runJson(['stats', 'lmm', '--in', file, '--formula', 'y ~ session + (session client)']);
    expect(syntax.code).toBe(2);
    // A text column in the fixed part is a factor; in the response or a random slope it must be numeric.
    const nonNumeric = csv('lmm-bad.csv', {
      client: ['a', 'a', 'b', 'b', 'c', 'c'],
      session: [1, 2, 1, 'second', 1, 2],
      y: [1, 2, 3, 'high', 5, 7],
    });
    const r = await runJson(['stats', 'lmm', '--in', nonNumeric, '--formula', 'y ~ 1 + (1 | client)']);
    expect(r.code).toBe(1);
    expect(r.json.error).toMatchObject({ line: 5, column: 'y' });
    expect(r.json.error.message).toMatch(/must be numeric, found "high"/);
    const slope = await runJson(['stats', 'lmm', '--in', nonNumeric, '--formula', 'session ~ 1 + (session | client)']);
    expect(slope.json.error).toMatchObject({ line: 5, column: 'session' });
  });
});

describe('alliance stats lmm on degenerate input', () => {
  const client = ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'c'];
  const y = [3, 4, 6, 5, 2, 4, 5, 7, 6];

  it('a word in a numeric column: fitted with the column as a factor, and warned in the result and on stderr', async () => {
    const file = csv('lmm-word.csv', { client, session: [1, 'two', 3, 1, 2, 3, 1, 2, 3], y });
    const r = await runJson(['stats', 'lmm', '--in', file, '--formula', 'y ~ session + (1 | client)']);
    expect(r.code).toBe(0);
    expect(r.json.warnings).toEqual([expect.stringMatching(/column "session" is numeric except for "two"/)]);
    expect(r.stderr).toMatch(/column "session" is numeric except for "two"/);
  });

  it('a constant response is bad input saying the response does not vary', async () => {
    const file = csv('lmm-constant.csv', { client, session: [1, 2, 3, 1, 2, 3, 1, 2, 3], y: y.map(() => 4) });
    const r = await runJson(['stats', 'lmm', '--in', file, '--formula', 'y ~ session + (1 | client)']);
    expect(r.code).toBe(1);
    expect(r.json.error).toMatchObject({ kind: 'input', column: 'y' });
    expect(r.json.error.message).toMatch(/response "y" does not vary/);
  });
});

describe('alliance stats ruptures', () => {
  const A = [50, 52, 51, 40, 45, 52, 51, 50];
  const file = csv('series.csv', { client: A.map(() => 'A'), session: A.map((_, i) => i + 1), wai: A });

  it('lists episodes with the rules used', async () => {
    const { code, json } = await runJson([
      'stats',
      'ruptures',
      '--in',
      file,
      '--subject',
      'client',
      '--value',
      'wai',
      '--rc-sd',
      '5',
      '--reliability',
      '0.9',
    ]);
    expect(code).toBe(0);
    expect(json.episodes).toHaveLength(1);
    expect(json.episodes[0]).toMatchObject({
      client: 'A',
      rupture: { session: 4, score: 40 },
      repaired: true,
      repair: { session: 6, score: 52 },
      depth: 11,
      length: 2,
    });
    expect(json.rules).toMatchObject({ k: 1, baseline: 'either', window: 3 });
    expect(json.rules.reliableChange.threshold).toBeCloseTo(4.3826932359, 8);
  });

  it('applies the SRS alert rule set', async () => {
    const srs = csv('srs.csv', { subject: [1, 1, 1], session: [1, 2, 3], value: [38, 35, 37] });
    const { code, json } = await runJson(['stats', 'ruptures', '--in', srs, '--rules', 'srs-alerts']);
    expect(code).toBe(0);
    expect(json.ruleSet).toBe('srs-alerts');
    expect(json.alerts.map((a: { session: number }) => a.session)).toEqual([2]);
  });

  it('reports a repeated session at its line, and option mistakes as usage errors', async () => {
    const dup = csv('dup.csv', { subject: ['a', 'a', 'a'], session: [1, 2, 2], value: [3, 4, 5] });
    const r = await runJson(['stats', 'ruptures', '--in', dup]);
    expect(r.code).toBe(1);
    expect(r.json.error).toMatchObject({ line: 4, column: 'session' });
    expect((await runJson(['stats', 'ruptures', '--in', dup, '--rc-sd', '5'])).code).toBe(2);
    expect((await runJson(['stats', 'ruptures', '--in', dup, '--baseline', 'median'])).code).toBe(2);
  });
});
