import { describe, expect, it } from 'vitest';
import { near, readGolden } from '../../../../test/support/data';
import { crossedReml, type CrossedCell } from './crossed-reml';
import { twoWayMeanSquares } from './icc';

interface Golden {
  icc: {
    complete: Array<{ data: number[][] }>;
    incomplete: {
      data: Array<Array<number | null>>;
      model_tight: { variance: { subject: number; rater: number; residual: number }; reml_criterion: number };
    };
  };
}

function cellsOf(m: ReadonlyArray<ReadonlyArray<number | null>>): CrossedCell[] {
  const cells: CrossedCell[] = [];
  m.forEach((r, i) => r.forEach((v, j) => v !== null && cells.push({ subject: i, rater: j, value: v })));
  return cells;
}

describe('crossed REML (subject and rater random intercepts)', () => {
  const g = readGolden<Golden>('reliability.json').icc;

  it('matches lme4::lmer(values ~ 1 + (1|id) + (1|items)) on an incomplete design, including REMLcrit', () => {
    const d = g.incomplete.data;
    const fit = crossedReml(cellsOf(d), d.length, 4);
    const v = g.incomplete.model_tight.variance;
    expect(fit.converged).toBe(true);
    expect(near(fit.subject, v.subject, 1e-6)).toBe(true);
    expect(near(fit.rater, v.rater, 1e-6)).toBe(true);
    expect(near(fit.residual, v.residual, 1e-6)).toBe(true);
    expect(near(fit.deviance, g.incomplete.model_tight.reml_criterion, 1e-9)).toBe(true);
  });

  it('on a balanced design equals the ANOVA estimates when they are positive, and sits on zero when one is negative', () => {
    const a = g.complete[0]!.data;
    const msA = twoWayMeanSquares(a.flat(), a.length, a[0]!.length);
    const fitA = crossedReml(cellsOf(a), a.length, a[0]!.length);
    expect(near(fitA.subject, (msA.BMS - msA.EMS) / a[0]!.length, 1e-7)).toBe(true);
    expect(near(fitA.rater, (msA.JMS - msA.EMS) / a.length, 1e-7)).toBe(true);
    expect(near(fitA.residual, msA.EMS, 1e-7)).toBe(true);

    const c = g.complete[2]!.data;
    const msC = twoWayMeanSquares(c.flat(), c.length, c[0]!.length);
    expect(msC.JMS).toBeLessThan(msC.EMS);
    const fitC = crossedReml(cellsOf(c), c.length, c[0]!.length);
    expect(fitC.rater).toBe(0);
    // With the rater variance at zero, REML is the one-way model: residual = pooled within-subject variance.
    expect(near(fitC.residual, msC.WMS, 1e-7)).toBe(true);
  });
});
