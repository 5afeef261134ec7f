import { describe, expect, it } from 'vitest';
import { near, readGolden } from '../../../../../test/support/data';
import { fitLmm } from './index';

interface GoldenFit {
  name: string;
  formula: string;
  reml: boolean;
  n: number;
  data: Record<string, Array<string | number>>;
  fixed: Array<{ term: string; estimate: number; se: number; df: number; t: number; p: number }>;
  random: Array<{ group: string; effects: string | string[]; sd: number | number[]; corr: number[][] | null }>;
  sigma: number;
  criterion: number;
  logLik: number;
  theta: number | number[];
  ranef: Array<{ group: string; effects: string | string[]; levels: string | string[]; values: number[][] }>;
  default_fit: { estimate: number | number[]; se: number | number[]; sd: number | number[]; criterion: number };
}

const arr = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
const TOL = 1e-4;

// test/golden/association.R: lmerTest::lmer (lme4 1.1-31, lmerTest 3.1-3) on seeded longitudinal data, with a
// tight optimiser tolerance; df are lmerTest's Satterthwaite df.
describe.each(readGolden<{ lmm: GoldenFit[] }>('association.json').lmm)(
  'lmm agrees with lme4/lmerTest: $name ($formula)',
  (g) => {
    const fit = fitLmm(g.data, g.formula, { reml: g.reml });

    it('REML criterion (or ML deviance), log-likelihood and θ', () => {
      expect(fit.converged).toBe(true);
      expect(fit.n).toBe(g.n);
      expect(near(fit.criterion, g.criterion, TOL)).toBe(true);
      expect(near(fit.logLik, g.logLik, TOL)).toBe(true);
      arr(g.theta).forEach((v, i) => expect(near(fit.theta[i]!, v, TOL)).toBe(true));
    });

    it('fixed effects: estimates, SEs, Satterthwaite df, t and p', () => {
      expect(fit.fixed.map((f) => f.term)).toEqual(g.fixed.map((f) => f.term));
      fit.fixed.forEach((f, i) => {
        const want = g.fixed[i]!;
        expect(near(f.estimate, want.estimate, TOL)).toBe(true);
        expect(near(f.se, want.se, TOL)).toBe(true);
        expect(near(f.df, want.df, TOL)).toBe(true);
        expect(near(f.t, want.t, TOL)).toBe(true);
        // p-values span many orders of magnitude: compare on the log scale.
        expect(Math.abs(Math.log(f.p / want.p))).toBeLessThan(1e-3);
      });
    });

    it('variance components: SDs, correlations, residual SD', () => {
      expect(fit.random.map((r) => r.group)).toEqual(g.random.map((r) => r.group));
      fit.random.forEach((r, i) => {
        const want = g.random[i]!;
        expect(r.effects).toEqual(arr(want.effects));
        arr(want.sd).forEach((v, j) => expect(near(r.sd[j]!, v, TOL)).toBe(true));
        if (want.corr)
          want.corr.forEach((row, a) => row.forEach((v, b) => expect(near(r.corr![a]![b]!, v, TOL)).toBe(true)));
      });
      expect(near(fit.residual.sd, g.sigma, TOL)).toBe(true);
    });

    it('predicted random effects (ranef) for every level', () => {
      for (const want of g.ranef) {
        const got = fit.ranef.find((r) => r.group === want.group)!;
        const byLevel = new Map(got.levels.map((l) => [l.level, l.ranef]));
        arr(want.levels).forEach((level, li) => {
          const values = byLevel.get(level)!;
          arr(want.effects).forEach((e, ei) => {
            const idx = got.effects.indexOf(e);
            expect(near(values[idx]!, want.values[li]![ei]!, TOL)).toBe(true);
          });
        });
      }
    });

    it('agrees with lmer() at its default optimiser settings to 4 decimals', () => {
      arr(g.default_fit.estimate).forEach((v, i) => expect(Math.abs(fit.fixed[i]!.estimate - v)).toBeLessThan(5e-4));
      arr(g.default_fit.se).forEach((v, i) => expect(Math.abs(fit.fixed[i]!.se - v)).toBeLessThan(5e-4));
      expect(Math.abs(fit.criterion - g.default_fit.criterion)).toBeLessThan(5e-4);
    });
  },
);

describe('lmm: ICC and input checks', () => {
  const g = readGolden<{ lmm: GoldenFit[] }>('association.json').lmm;

  it('ICC of the intercept is its variance over intercept variances plus residual', () => {
    const ri = g.find((m) => m.name === 'random intercept')!;
    const fit = fitLmm(ri.data, ri.formula);
    const tau = arr(ri.random[0]!.sd)[0]! ** 2;
    expect(near(fit.icc[0]!.icc, tau / (tau + ri.sigma ** 2), TOL)).toBe(true);
    const nest = g.find((m) => m.name === 'therapist/client intercepts')!;
    const fn = fitLmm(nest.data, nest.formula);
    const [c, t] = nest.random.map((r) => arr(r.sd)[0]! ** 2);
    expect(fn.icc.map((i) => i.group)).toEqual(['client:therapist', 'therapist']);
    expect(near(fn.icc[1]!.icc, t! / (c! + t! + nest.sigma ** 2), TOL)).toBe(true);
  });

  it('drops rows with a missing model variable, as na.omit', () => {
    const ri = g.find((m) => m.name === 'random intercept')!;
    const y = [...ri.data.y!] as Array<number | null>;
    y[0] = null;
    const fit = fitLmm({ ...ri.data, y }, ri.formula);
    expect(fit.n).toBe(ri.n - 1);
    expect(fit.dropped).toBe(1);
  });

  it('names the column when the formula refers to one the data lack, and the row of a non-number', () => {
    expect(() => fitLmm({ y: [1, 2], client: ['a', 'b'] }, 'y ~ session + (1 | client)')).toThrow(/"session"/);
    try {
      fitLmm({ y: [1, 'x', 3, 4], client: ['a', 'a', 'b', 'b'] }, 'y ~ 1 + (1 | client)');
      expect.unreachable();
    } catch (err) {
      expect((err as { row: number; column: string }).row).toBe(1);
      expect((err as { column: string }).column).toBe('y');
    }
    expect(() => fitLmm({ y: [1, 2, 3, 4], client: ['a', 'a', 'a', 'a'] }, 'y ~ 1 + (1 | client)')).toThrow(
      /only one level/,
    );
    expect(() => fitLmm({ y: [1, 2, 3, 4] }, 'y ~ 1')).toThrow(/no random-effects term/);
  });
});
