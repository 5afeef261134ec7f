import { describe, expect, it } from 'vitest';
import { chiSquareUpperP, fQuantile, fUpperP, normalCdf, normalQuantile, tCdf, tQuantile, tTwoSidedP } from './distributions';

// Expected values printed by R 4.x (Debian r-base-core) with sprintf("%.15g"):
//   pt(2.1,7.3); qt(.975,12); qt(.975,2.5); pf(11.0272,5,15,lower.tail=FALSE); qf(.975,5,18); qf(0.025,3.7,120);
//   pnorm(-3.2); qnorm(.975); pchisq(7.5,3,lower.tail=FALSE); qf(.975,1e4,4e4)
describe('distributions agree with R', () => {
  it.each([
    ['pt(2.1, 7.3)', () => tCdf(2.1, 7.3), 0.963876643287573],
    ['qt(.975, 12)', () => tQuantile(0.975, 12), 2.17881282966723],
    ['qt(.975, 2.5)', () => tQuantile(0.975, 2.5), 3.57465484200369],
    ['pf(11.0272, 5, 15, upper)', () => fUpperP(11.0272, 5, 15), 0.000134569806757932],
    ['qf(.975, 5, 18)', () => fQuantile(0.975, 5, 18), 3.38196780587524],
    ['qf(.025, 3.7, 120)', () => fQuantile(0.025, 3.7, 120), 0.106068526730376],
    ['pnorm(-3.2)', () => normalCdf(-3.2), 0.000687137937915848],
    ['qnorm(.975)', () => normalQuantile(0.975), 1.95996398454005],
    ['pchisq(7.5, 3, upper)', () => chiSquareUpperP(7.5, 3), 0.0575584519726364],
    ['qf(.975, 1e4, 4e4)', () => fQuantile(0.975, 1e4, 4e4), 1.0313257371485],
  ])('%s', (_name, f, expected) => {
    expect(Math.abs(f() - expected) / Math.abs(expected)).toBeLessThan(1e-10);
  });

  it('two-sided t p-value is symmetric and matches 2 * the lower tail', () => {
    expect(tTwoSidedP(-2.1, 7.3)).toBeCloseTo(2 * (1 - 0.963876643287573), 12);
    expect(tTwoSidedP(2.1, 7.3)).toBe(tTwoSidedP(-2.1, 7.3));
  });
});
