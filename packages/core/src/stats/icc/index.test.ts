import { describe, expect, it } from 'vitest';
import { near, readGolden, readReference } from '../../../../../test/support/data';
import { ICC_FORMS, icc, type IccForm, type IccFormKey } from './index';

type FormTable = Record<string, number>;
interface ShroutFleiss {
  data: number[][];
  expected_published: {
    ICC: FormTable;
    F_round1: FormTable;
    df1: FormTable;
    df2: FormTable;
    p_4dp: FormTable;
    CI95_lower_2dp: FormTable;
    CI95_upper_2dp: FormTable;
  };
  [key: string]: unknown;
}
type FullPrecision = {
  ICC: FormTable;
  F: FormTable;
  p: FormTable;
  CI95_lower: FormTable;
  CI95_upper: FormTable;
  anova: Record<string, number>;
};

const SF_NAME: Record<IccFormKey, string> = {
  ICC1: 'ICC(1,1)',
  ICC2: 'ICC(2,1)',
  ICC3: 'ICC(3,1)',
  ICC1k: 'ICC(1,k)',
  ICC2k: 'ICC(2,k)',
  ICC3k: 'ICC(3,k)',
};

describe('ICC: Shrout & Fleiss (1979) Table 2 (test/reference/icc_shrout_fleiss_1979.json)', () => {
  const ref = readReference<ShroutFleiss>('icc_shrout_fleiss_1979.json');
  const full = ref['expected_full_precision_psych_2.2.9'] as FullPrecision;
  const pub = ref.expected_published;
  const res = icc(ref.data);

  it('matches the published values at their rounding (ICC and CI 2 dp, F 1 dp, p 4 dp)', () => {
    for (const key of ICC_FORMS) {
      const f = res.forms[key];
      const name = SF_NAME[key];
      expect(Math.abs(f.icc! - pub.ICC[name]!), `${key} icc`).toBeLessThanOrEqual(0.005);
      expect(Math.abs(f.f! - pub.F_round1[name]!), `${key} F`).toBeLessThanOrEqual(0.05);
      expect(f.df1).toBe(pub.df1[name]);
      expect(f.df2).toBe(pub.df2[name]);
      expect(Math.abs(f.p! - pub.p_4dp[name]!), `${key} p`).toBeLessThanOrEqual(0.00005);
      expect(Math.abs(f.ci95![0] - pub.CI95_lower_2dp[name]!), `${key} lower`).toBeLessThanOrEqual(0.005);
      expect(Math.abs(f.ci95![1] - pub.CI95_upper_2dp[name]!), `${key} upper`).toBeLessThanOrEqual(0.005);
    }
  });

  it('matches psych 2.2.9 at full precision (1e-6)', () => {
    for (const key of ICC_FORMS) {
      const f = res.forms[key];
      const name = SF_NAME[key];
      expect(near(f.icc, full.ICC[name]!, 1e-6), `${key} icc ${f.icc}`).toBe(true);
      expect(near(f.f, full.F[name]!, 1e-6), `${key} F`).toBe(true);
      expect(near(f.p, full.p[name]!, 1e-6), `${key} p`).toBe(true);
      expect(near(f.ci95![0], full.CI95_lower[name]!, 1e-6), `${key} lower ${f.ci95![0]}`).toBe(true);
      expect(near(f.ci95![1], full.CI95_upper[name]!, 1e-6), `${key} upper ${f.ci95![1]}`).toBe(true);
    }
    expect(near(res.meanSquares.BMS, full.anova.BMS!, 1e-9)).toBe(true);
    expect(near(res.meanSquares.WMS, full.anova.WMS!, 1e-9)).toBe(true);
    expect(near(res.meanSquares.JMS, full.anova.JMS!, 1e-9)).toBe(true);
    expect(near(res.meanSquares.EMS, full.anova.EMS!, 1e-9)).toBe(true);
    expect(res.n).toBe(6);
    expect(res.raters).toBe(4);
    expect(res.missing.subjectsDropped).toBe(0);
  });
});

interface GoldenForms {
  forms: Record<IccFormKey, IccForm>;
}
interface IccGolden {
  icc: {
    complete: Array<
      GoldenForms & { name: string; data: number[][]; ms: { BMS: number; WMS: number; JMS: number; EMS: number } }
    >;
    incomplete: {
      data: Array<Array<number | null>>;
      drop: GoldenForms & { dropped: number; n: number };
      model_psych: GoldenForms & {
        n: number;
        k: number;
        variance: { subject: number; rater: number; residual: number };
      };
      model_tight: GoldenForms & {
        n: number;
        k: number;
        variance: { subject: number; rater: number; residual: number };
      };
    };
  };
}

function expectForms(
  actual: Record<IccFormKey, IccForm>,
  expected: Record<IccFormKey, IccForm>,
  tol: number,
  label: string,
) {
  for (const key of ICC_FORMS) {
    const a = actual[key];
    const e = expected[key];
    for (const field of ['icc', 'f', 'df1', 'df2', 'p'] as const) {
      expect(near(a[field] ?? null, e[field]!, tol), `${label} ${key}.${field}: ${a[field]} vs ${e[field]}`).toBe(true);
    }
    expect(near(a.ci95![0], e.ci95![0], tol), `${label} ${key} lower: ${a.ci95![0]} vs ${e.ci95![0]}`).toBe(true);
    expect(near(a.ci95![1], e.ci95![1], tol), `${label} ${key} upper: ${a.ci95![1]} vs ${e.ci95![1]}`).toBe(true);
  }
}

describe('ICC: R goldens (test/golden/reliability.R, psych::ICC)', () => {
  const g = readGolden<IccGolden>('reliability.json').icc;

  it.each(g.complete.map((c) => [c.name, c] as const))(
    'complete design %s matches psych::ICC(lmer = FALSE) to 1e-6',
    (_name, c) => {
      const res = icc(c.data);
      expectForms(res.forms, c.forms, 1e-6, c.name);
      expect(near(res.meanSquares.BMS, c.ms.BMS, 1e-9)).toBe(true);
      expect(near(res.meanSquares.WMS, c.ms.WMS, 1e-9)).toBe(true);
    },
  );

  it('incomplete design, default: drops incomplete subjects, says how many, matches psych on na.omit(x)', () => {
    const res = icc(g.incomplete.data);
    expect(res.missing.subjectsDropped).toBe(g.incomplete.drop.dropped);
    expect(res.n).toBe(g.incomplete.drop.n);
    expect(res.method).toContain(`${g.incomplete.drop.dropped} of ${g.incomplete.data.length} subjects dropped`);
    expectForms(res.forms, g.incomplete.drop.forms, 1e-6, 'drop');
  });

  it('incomplete design, REML: matches the fully converged lme4 fit to 1e-6 and psych::ICC(lmer = TRUE) to its optimiser tolerance', () => {
    const res = icc(g.incomplete.data, { missing: 'model' });
    expect(res.n).toBe(g.incomplete.model_tight.n);
    expect(res.raters).toBe(g.incomplete.model_tight.k);
    expect(res.method).toMatch(/REML/);
    const v = g.incomplete.model_tight.variance;
    expect(near(res.varianceComponents.subject, v.subject, 1e-6)).toBe(true);
    expect(near(res.varianceComponents.rater, v.rater, 1e-6)).toBe(true);
    expect(near(res.varianceComponents.residual, v.residual, 1e-6)).toBe(true);
    expectForms(res.forms, g.incomplete.model_tight.forms, 1e-6, 'model/tight');
    // psych calls lmer with lme4's default stopping rule, which leaves the estimates about 1e-6 from the optimum.
    expectForms(res.forms, g.incomplete.model_psych.forms, 1e-4, 'model/psych');
  });
});

describe('ICC properties', () => {
  const g = readGolden<IccGolden>('reliability.json').icc;
  const base = g.complete[0]!.data;

  it('every form is unchanged when a constant is added to all ratings', () => {
    const a = icc(base).forms;
    const b = icc(base.map((r) => r.map((v) => v + 37.5))).forms;
    for (const key of ICC_FORMS) {
      expect(b[key].icc).toBeCloseTo(a[key].icc!, 10);
      expect(b[key].ci95![0]).toBeCloseTo(a[key].ci95![0], 10);
    }
  });

  it('the consistency forms (ICC3, ICC3k) are unchanged when one rater is shifted by a constant; agreement forms drop', () => {
    const a = icc(base).forms;
    const b = icc(base.map((r) => r.map((v, j) => (j === 1 ? v + 4 : v)))).forms;
    for (const key of ['ICC3', 'ICC3k'] as const) {
      expect(b[key].icc).toBeCloseTo(a[key].icc!, 10);
      expect(b[key].ci95![0]).toBeCloseTo(a[key].ci95![0], 10);
      expect(b[key].ci95![1]).toBeCloseTo(a[key].ci95![1], 10);
    }
    expect(b.ICC2.icc).toBeLessThan(a.ICC2.icc!);
    expect(b.ICC1.icc).toBeLessThan(a.ICC1.icc!);
  });

  it('on a complete design with positive ANOVA components, REML gives the ANOVA answer', () => {
    const a = icc(base);
    const b = icc(base, { missing: 'model' });
    expect(a.varianceComponents.rater).toBeGreaterThan(0);
    for (const key of ICC_FORMS) expect(near(b.forms[key].icc, a.forms[key].icc!, 1e-7)).toBe(true);
  });

  it('refuses fewer than two raters or two complete subjects', () => {
    expect(() => icc([[1], [2]])).toThrow(/two raters/);
    expect(() =>
      icc([
        [1, 2],
        [3, null],
      ]),
    ).toThrow(/REML model/);
  });
});
