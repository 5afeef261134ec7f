import { describe, expect, it } from 'vitest';
import { near, readGolden } from '../../../../../test/support/data';
import { blandAltman } from './index';

describe('Bland–Altman: Bland & Altman (1986), Lancet i:307–310, peak flow by Wright and mini Wright meters', () => {
  // Table 1, first reading with each meter (l/min), 17 subjects.
  const wright = [494, 395, 516, 434, 476, 557, 413, 442, 650, 433, 417, 656, 267, 478, 178, 423, 427];
  const mini = [512, 430, 520, 428, 500, 600, 364, 380, 658, 445, 432, 626, 260, 477, 259, 350, 451];
  it('reproduces the published mean difference (−2.1) and SD of differences (38.8)', () => {
    const r = blandAltman(wright, mini);
    expect(r.n).toBe(17);
    expect(Math.abs(r.bias - -2.1)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(r.sd - 38.8)).toBeLessThanOrEqual(0.05);
    // The paper's standard error of the mean difference, s/√n = 9.4.
    expect(Math.abs(r.sd / Math.sqrt(r.n) - 9.4)).toBeLessThanOrEqual(0.05);
  });
});

describe('Bland–Altman: R golden (plain R and lm(), test/golden/reliability.R)', () => {
  const g = readGolden<{
    bland_altman: {
      x: number[];
      y: number[];
      bias: number;
      sd: number;
      bias_ci95: [number, number];
      loa: [number, number];
      lower_ci95: [number, number];
      upper_ci95: [number, number];
      regression: {
        intercept: number;
        slope: number;
        slope_se: number;
        t: number;
        p: number;
        df: number;
        slope_ci95: [number, number];
      };
    };
  }>('reliability.json').bland_altman;
  const r = blandAltman(g.x, g.y);
  const close = (a: number, b: number) => expect(near(a, b, 1e-9), `${a} vs ${b}`).toBe(true);

  it('bias, SD, limits and their intervals', () => {
    close(r.bias, g.bias);
    close(r.sd, g.sd);
    r.ci95.forEach((v, i) => close(v, g.bias_ci95[i]!));
    r.loa.forEach((v, i) => close(v, g.loa[i]!));
    r.loaCi95.lower.forEach((v, i) => close(v, g.lower_ci95[i]!));
    r.loaCi95.upper.forEach((v, i) => close(v, g.upper_ci95[i]!));
  });

  it('proportional bias regression matches lm(d ~ m)', () => {
    const e = g.regression;
    close(r.proportionalBias.intercept!, e.intercept);
    close(r.proportionalBias.slope!, e.slope);
    close(r.proportionalBias.se!, e.slope_se);
    close(r.proportionalBias.t!, e.t);
    close(r.proportionalBias.p!, e.p);
    expect(r.proportionalBias.df).toBe(e.df);
    r.proportionalBias.ci95!.forEach((v, i) => close(v, e.slope_ci95[i]!));
  });

  it('swapping the methods negates the bias and the limits', () => {
    const s = blandAltman(g.y, g.x);
    expect(s.bias).toBeCloseTo(-r.bias, 12);
    expect(s.loa[0]).toBeCloseTo(-r.loa[1], 12);
    expect(s.sd).toBeCloseTo(r.sd, 12);
  });
});
