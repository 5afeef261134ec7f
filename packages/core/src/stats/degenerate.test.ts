import { describe, expect, it } from 'vitest';
import { krippendorffAlpha } from './alpha';
import { aucWithCi } from './auc';
import { blandAltman } from './bland-altman';
import { internalConsistency, multilevelReliability } from './consistency';
import { pearson, spearman } from './correlation';
import { fleissKappa } from './fleiss';
import { gwetAc } from './gwet-ac';
import { icc } from './icc';
import { cohenKappa } from './kappa';
import { fitLmm } from './lmm';
import { unexplainedValues } from './reasons';
import { rmcorr } from './rmcorr';
import { ruptures } from './ruptures';
import { olsTrajectories } from './trajectories';
import { withinBetween } from './within-between';

/**
 * Degenerate inputs (issue 9): every value a statistic does not define is null with a reason beside it, never
 * NaN, never infinite, never rounding noise presented as a value. Each case also pins what the value should be
 * where it is defined.
 */

type Result = Record<string, unknown>;
interface Case {
  name: string;
  run: () => unknown;
  check?: (r: Result) => void;
}

const reasonOf = (obj: unknown, key: string): string | undefined =>
  (obj as { reasons?: Record<string, string> }).reasons?.[key];

const identicalRaters = [
  [1, 1, 1],
  [2, 2, 2],
  [4, 4, 4],
  [3, 3, 3],
  [5, 5, 5],
];
const oneValue = Array.from({ length: 6 }, () => [3, 3, 3]);
const codesIdentical = [
  ['a', 'a', 'a'],
  ['b', 'b', 'b'],
  ['a', 'a', 'a'],
  ['c', 'c', 'c'],
  ['b', 'b', 'b'],
];
const codesOneValue = Array.from({ length: 6 }, () => ['x', 'x', 'x']);
const allMissing = Array.from({ length: 4 }, () => [null, null, null]);
const x = [1, 2, 3, 4, 5, 6, 7, 9];

const cases: Case[] = [
  {
    name: 'internal consistency, identical items: alpha 1 with the interval [1, 1], r.drop 1',
    run: () => internalConsistency(identicalRaters, ['a', 'b', 'c']),
    check: (r) => {
      const alpha = r.alpha as Result;
      expect(alpha.raw).toBeCloseTo(1, 12);
      expect(alpha.ci95).toEqual([1, 1]);
      expect((r.items as Result[])[0]!.rDrop).toBeCloseTo(1, 12);
    },
  },
  {
    name: 'internal consistency, one value throughout: alpha null with its reason',
    run: () => internalConsistency(oneValue, ['a', 'b', 'c']),
    check: (r) => {
      expect((r.alpha as Result).raw).toBeNull();
      expect((r.alpha as Result).undefinedReason).toMatch(/no item varies/);
    },
  },
  {
    name: 'multilevel reliability, one value throughout: every coefficient null with its reason',
    run: () =>
      multilevelReliability(
        ['a', 'b', 'c'].flatMap((subject) => ['1', '2'].map((time) => ({ subject, time, values: [3, 3] }))),
        ['x', 'y'],
      ),
    check: (r) => {
      expect(r.Rc).toBeNull();
      expect(reasonOf(r, 'RkF')).toMatch(/denominator/);
    },
  },
  {
    name: 'ICC, all raters identical: icc 1, F infinite so null with a reason, p 0, intervals [1, 1]',
    run: () => icc(identicalRaters),
    check: (r) => {
      const forms = r.forms as Record<string, Result>;
      for (const k of ['ICC1', 'ICC2', 'ICC3', 'ICC1k', 'ICC2k', 'ICC3k']) {
        expect(forms[k]!.icc).toBeCloseTo(1, 12);
        expect(forms[k]!.f).toBeNull();
        expect(reasonOf(forms[k], 'f')).toMatch(/residual mean square is 0/);
        expect(forms[k]!.p).toBe(0);
        expect(forms[k]!.ci95).toEqual([1, 1]);
      }
    },
  },
  {
    name: 'ICC with REML, all raters identical: a residual variance of 1e-16 from the optimiser is 0, not an F of 7e14',
    run: () => icc(identicalRaters, { missing: 'model' }),
    check: (r) => {
      const f = (r.forms as Record<string, Result>).ICC3!;
      expect(f.icc).toBe(1);
      expect(f.f).toBeNull();
      expect(f.ci95).toEqual([1, 1]);
    },
  },
  {
    name: 'ICC, every rating one value: nothing is defined, and each field says why',
    run: () => icc(oneValue),
    check: (r) => {
      const f = (r.forms as Record<string, Result>).ICC1!;
      expect(f.icc).toBeNull();
      expect(f.undefinedReason).toMatch(/do not vary/);
    },
  },
  {
    name: 'ICC, two subjects and two raters',
    run: () =>
      icc([
        [1, 2],
        [3, 5],
      ]),
  },
  {
    name: "Fleiss, all raters identical: se 0, ci95 [1, 1] and p 0, as Cohen's kappa and AC",
    run: () => fleissKappa(codesIdentical),
    check: (r) => {
      expect(r.kappa).toBe(1);
      expect(r.se).toBe(0);
      expect(r.ci95).toEqual([1, 1]);
      expect(r.p).toBe(0);
    },
  },
  {
    name: 'Fleiss, every rating one value on 6 subjects: no se0 of 22369621 made of rounding noise',
    run: () => fleissKappa(codesOneValue),
    check: (r) => {
      expect(r.kappa).toBeNull();
      expect(r.se0).toBeNull();
      for (const c of r.categories as Result[]) expect(c.se0 === null || (c.se0 as number) < 1).toBe(true);
    },
  },
  {
    name: 'Fleiss, one value, balanced per-category noise: se0 under a category with kappa undefined',
    run: () =>
      fleissKappa([
        ['a', 'a'],
        ['a', 'a'],
        ['a', 'b'],
      ]),
  },
  {
    name: 'Fleiss, everything missing: the reason says nothing was rated',
    run: () => fleissKappa(allMissing),
    check: (r) => {
      expect(r.kappa).toBeNull();
      expect(r.undefinedReason).toMatch(/no subject has two or more ratings/);
      expect(r.undefinedReason).not.toMatch(/one category/);
    },
  },
  {
    name: 'Fleiss, unbalanced: se0 null says why',
    run: () =>
      fleissKappa([
        ['a', 'a', null],
        ['b', 'b', 'b'],
        ['a', 'b', 'a'],
        ['b', 'a', null],
      ]),
    check: (r) => expect(reasonOf(r, 'se0')).toMatch(/different numbers of ratings/),
  },
  {
    name: 'Fleiss, weighted: se0 null says why',
    run: () =>
      fleissKappa(
        [
          [1, 2, 2],
          [2, 2, 3],
          [1, 1, 2],
          [3, 3, 3],
        ],
        { weights: 'quadratic' },
      ),
    check: (r) => expect(reasonOf(r, 'se0')).toMatch(/unweighted/),
  },
  {
    name: "Gwet's AC, everything missing: the reason says nothing was rated, and pe is not NaN",
    run: () => gwetAc(allMissing),
    check: (r) => {
      expect(r.ac).toBeNull();
      expect(r.undefinedReason).toMatch(/no subject has two or more ratings/);
    },
  },
  {
    name: "Gwet's AC, every rating one value",
    run: () => gwetAc(codesOneValue),
    check: (r) => expect(r.undefinedReason).toMatch(/one category/),
  },
  {
    name: "Gwet's AC, all raters identical: [1, 1] and p 0",
    run: () => gwetAc(codesIdentical),
    check: (r) => {
      expect(r.ci95).toEqual([1, 1]);
      expect(r.p).toBe(0);
    },
  },
  {
    name: "Cohen's kappa, one constant column: kappa 0, se0 0, z and p null with a reason",
    run: () => cohenKappa(['a', 'b', 'a', 'c', 'b', 'a'], ['a', 'a', 'a', 'a', 'a', 'a']),
    check: (r) => {
      expect(r.kappa).toBe(0);
      expect(r.se0).toBe(0);
      expect(r.z).toBeNull();
      expect(r.p).toBeNull();
      expect(reasonOf(r, 'z')).toMatch(/single category/);
    },
  },
  {
    name: "Cohen's kappa, raters identical: se 0 and [1, 1]",
    run: () => cohenKappa(['a', 'b', 'a', 'c'], ['a', 'b', 'a', 'c']),
    check: (r) => {
      expect(r.se).toBe(0);
      expect(r.ci95).toEqual([1, 1]);
    },
  },
  {
    name: "Cohen's kappa, both raters one category",
    run: () => cohenKappa(['a', 'a', 'a'], ['a', 'a', 'a']),
  },
  {
    name: "Krippendorff's alpha, nothing pairable: no NaN disagreement",
    run: () => krippendorffAlpha([[1, null], [null, 2], [3]]),
    check: (r) => expect(r.alpha).toBeNull(),
  },
  {
    name: "Krippendorff's alpha, values do not vary",
    run: () => krippendorffAlpha(oneValue),
  },
  {
    name: "Krippendorff's alpha without bootstrap: ci95 null says why",
    run: () =>
      krippendorffAlpha(
        identicalRaters.map((r) => [r[0]!, r[1]! + (r[0]! % 2)]),
        { bootstrap: 0 },
      ),
    check: (r) => expect(reasonOf(r, 'ci95')).toMatch(/bootstrap/),
  },
  {
    name: 'Pearson, x identical to y: r 1, p 0, t null with a reason',
    run: () => pearson(x, x),
    check: (r) => {
      expect(r.r).toBe(1);
      expect(r.p).toBe(0);
      expect(r.t).toBeNull();
      expect(reasonOf(r, 't')).toMatch(/r = ±1/);
    },
  },
  {
    name: 'Pearson, y = −x: r −1',
    run: () =>
      pearson(
        x,
        x.map((v) => -v),
      ),
    check: (r) => expect(r.r).toBe(-1),
  },
  { name: 'Spearman, x identical to y', run: () => spearman(x, x) },
  {
    name: 'Pearson, y an exact linear function of x: r is 1, not 1 − 1e-16 with a t of 1e8',
    run: () =>
      pearson(
        x,
        x.map((v) => 0.3 * v + 0.1),
      ),
    check: (r) => {
      expect(r.r).toBe(1);
      expect(r.t).toBeNull();
    },
  },
  {
    name: 'Pearson, three pairs: ci95 null says why',
    run: () => pearson([1, 2, 3], [1, 3, 2]),
    check: (r) => expect(reasonOf(r, 'ci95')).toMatch(/n − 3/),
  },
  {
    name: 'within/between, x identical to y: t null with a reason in both parts',
    run: () =>
      withinBetween({
        subject: ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'c', 'd', 'd', 'd'],
        x: [1, 2, 4, 3, 5, 4, 7, 6, 9, 2, 1, 1.5],
        y: [1, 2, 4, 3, 5, 4, 7, 6, 9, 2, 1, 1.5],
      }),
    check: (r) => {
      for (const part of [r.between, r.within] as Result[]) {
        expect(part.r).toBe(1);
        expect(part.t).toBeNull();
        expect(part.p).toBe(0);
      }
    },
  },
  {
    name: 'within/between, every client one session: within r, CI, t, p and df null with reasons, df never negative',
    run: () => withinBetween({ subject: ['a', 'b', 'c', 'd'], x: [1, 2, 3, 5], y: [2, 1, 4, 4] }),
    check: (r) => {
      const w = r.within as Result;
      for (const k of ['r', 'ci95', 't', 'p', 'df']) {
        expect(w[k]).toBeNull();
        expect(reasonOf(w, k)).toMatch(/one session/);
      }
    },
  },
  {
    name: 'within/between, three clients: between CI null says why',
    run: () =>
      withinBetween({
        subject: ['a', 'a', 'b', 'b', 'c', 'c'],
        x: [1, 2, 3, 5, 4, 4.5],
        y: [2, 1, 4, 4, 3, 5],
      }),
  },
  {
    name: 'rmcorr, x identical to y within subjects',
    run: () => rmcorr({ subject: ['a', 'a', 'a', 'b', 'b', 'b'], x: [1, 2, 4, 3, 5, 4], y: [1, 2, 4, 3, 5, 4] }),
    check: (r) => {
      expect(r.r).toBe(1);
      expect(r.p).toBe(0);
    },
  },
  {
    name: 'rmcorr, N = k + 2 (df 1): ci95 null says why',
    run: () => rmcorr({ subject: ['a', 'a', 'b', 'b'], x: [1, 2, 4, 3], y: [1, 3, 2, 5] }),
    check: (r) => expect(reasonOf(r, 'ci95')).toMatch(/df = N − k − 1 > 1/),
  },
  {
    name: 'rmcorr, y an exact linear function of x within subjects: r is 1, not 1 − 1e-16',
    run: () =>
      rmcorr({
        subject: ['a', 'a', 'a', 'b', 'b', 'b'],
        x: [0.1, 0.2, 0.7, 0.3, 0.9, 0.4],
        y: [0.13, 0.16, 0.31, 0.19, 0.37, 0.22],
      }),
    check: (r) => {
      expect(r.r).toBe(1);
      expect(r.ci95).toEqual([1, 1]);
    },
  },
  {
    name: 'ruptures with a supplied SD, every client one session: unscreened clients and the pooled SD say why',
    run: () =>
      ruptures(
        { subject: ['a', 'b'], session: [1, 1], value: [40, 50] },
        { reliableChange: { sd: 5, reliability: 0.8 } },
      ),
    check: (r) => expect(reasonOf(r.rules, 'pooledWithinSd')).toMatch(/two or more sessions/),
  },
  {
    name: 'Bland–Altman, identical pairs: proportional-bias t and p null with a reason',
    run: () => blandAltman([1, 2, 3, 5, 8], [1, 2, 3, 5, 8]),
    check: (r) => {
      const pb = r.proportionalBias as Result;
      expect(r.sd).toBe(0);
      expect(pb.t).toBeNull();
      expect(pb.p).toBeNull();
      expect(reasonOf(pb, 't')).toMatch(/differences do not vary/);
    },
  },
  {
    name: 'Bland–Altman, constant y: the differences lie on a line in the means',
    run: () => blandAltman([1.1, 2.3, 3.7, 5, 8.9], [4, 4, 4, 4, 4]),
    check: (r) => {
      const pb = r.proportionalBias as Result;
      expect(pb.slope).toBeCloseTo(2, 12);
      expect(pb.se).toBe(0);
      expect(pb.t).toBeNull();
      expect(reasonOf(pb, 't')).toMatch(/exactly on a line/);
    },
  },
  {
    name: 'Bland–Altman, constant difference',
    run: () => blandAltman([3.1, 4.2, 5.3, 7.4], [1.1, 2.2, 3.3, 5.4]),
    check: (r) => expect((r.proportionalBias as Result).t).toBeNull(),
  },
  {
    name: 'Bland–Altman, every value the same: slope undefined',
    run: () => blandAltman([2, 2, 2], [2, 2, 2]),
    check: (r) => expect(reasonOf(r.proportionalBias, 'slope')).toMatch(/means do not vary/),
  },
  {
    name: 'OLS trajectories, one and two sessions: missing slopes and SEs say why',
    run: () => olsTrajectories({ subject: ['a', 'b', 'b'], session: [1, 1, 2], value: [3, 4, 6] }),
  },
  {
    name: 'AUC, every score tied',
    run: () => aucWithCi([1, 1, 1, 1], [true, false, true, false], { resamples: 50 }),
    check: (r) => expect(r.estimate).toBe(0.5),
  },
];

describe('degenerate input: a value that is not defined is null with a reason, never NaN or noise', () => {
  it.each(cases)('$name', ({ run, check }) => {
    const r = run() as Result;
    expect(unexplainedValues(r)).toEqual([]);
    check?.(r);
  });
});

describe('degenerate input that a statistic refuses, saying why', () => {
  const session = [1, 2, 3, 4, 1, 2, 3, 4];
  const client = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'];

  it('lmm, a constant response: the message says the response does not vary', () => {
    expect(() => fitLmm({ y: session.map(() => 5), session, client }, 'y ~ session + (1 | client)')).toThrow(
      /response "y" does not vary/,
    );
  });

  it('lmm, a response the fixed effects fit exactly: says there is no residual variance', () => {
    expect(() => fitLmm({ y: session.map((s) => 2 * s + 1), session, client }, 'y ~ session + (1 | client)')).toThrow(
      /fit the response exactly/,
    );
  });

  it('lmm, one word in a numeric column: the column becomes a factor with a warning in the result', () => {
    const sess: Array<string | number> = [...session];
    sess[1] = 'two';
    const fit = fitLmm({ y: [3, 4, 6, 5, 2, 4, 5, 7], session: sess, client }, 'y ~ session + (1 | client)');
    expect(fit.warnings).toEqual([expect.stringMatching(/column "session" is numeric except for "two".*factor/)]);
    const clean = fitLmm({ y: [3, 4, 6, 5, 2, 4, 5, 7], session, client }, 'y ~ session + (1 | client)');
    expect(clean).not.toHaveProperty('warnings');
  });

  it('ruptures, exactly linear scores: a zero reliable-change threshold is refused', () => {
    const value = [50, 48, 46, 44, 40, 39, 38, 37];
    expect(() => ruptures({ subject: client, session, value })).toThrow(/reliable-change threshold would be 0/);
  });
});
