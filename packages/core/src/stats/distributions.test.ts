import { describe, expect, it } from 'vitest';
import {
  chiSquareUpperP,
  fQuantile,
  fUpperP,
  normalCdf,
  normalQuantile,
  tCdf,
  tQuantile,
  tTwoSidedP,
} from './distributions';

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

  // Cases where the unguarded Halley iteration stalled on a non-root (large df) or 1 − x cancelled (t near 0):
  //   qt(0.029301385968426436, 3096.2457466669453); qt(0.5024938311117797, 2692.8044915820597);
  //   qf(0.9999525777875314, 4172.814970725113, 3.717575646887847); qf(0.9621016893839833, 4831.223653953762, 67.7400085889344);
  //   qt(0.9999999977278502, 105.70129759173678); qnorm(1 - 1e-12); qf(0.975, 5, 7.9)
  it.each([
    [() => tQuantile(0.029301385968426436, 3096.2457466669453), -1.89186070379241],
    [() => tQuantile(0.5024938311117797, 2692.8044915820597), 0.00625172869552956],
    [() => fQuantile(0.9999525777875314, 4172.814970725113, 3.717575646887847), 289.841181932755],
    [() => fQuantile(0.9621016893839833, 4831.223653953762, 67.7400085889344), 1.39715485889844],
    [() => tQuantile(0.9999999977278502, 105.70129759173678), 6.39087414073628],
    [() => normalQuantile(1 - 1e-12), 7.03448691004784],
    [() => fQuantile(0.975, 5, 7.9), 4.85686690306831],
  ])('quantile regression %#', (f, expected) => {
    expect(Math.abs(f() - expected) / Math.abs(expected)).toBeLessThan(1e-10);
  });

  it('two-sided t p-value is symmetric and matches 2 * the lower tail', () => {
    expect(tTwoSidedP(-2.1, 7.3)).toBeCloseTo(2 * (1 - 0.963876643287573), 12);
    expect(tTwoSidedP(2.1, 7.3)).toBe(tTwoSidedP(-2.1, 7.3));
  });
});
