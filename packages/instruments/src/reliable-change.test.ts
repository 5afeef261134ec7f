import { describe, expect, it } from 'vitest';
import { builtinDefinitions } from './builtin';
import { reliableChange, reliableChangeFor } from './reliable-change';

const def = (id: string) => builtinDefinitions().find((d) => d.id === id)!;

describe('Jacobson–Truax reliable change', () => {
  // SD 8, r .90: SE = 8·√0.10 = 2.5298221; S_diff = √2·SE = 3.5777088; threshold 1.96·S_diff = 7.0123
  it('computes SE, S_diff and RC and calls a 7-point rise not reliable', () => {
    const r = reliableChange(40, 47, { sd: 8, reliability: 0.9 });
    expect(r.se).toBeCloseTo(2.5298221, 6);
    expect(r.sdiff).toBeCloseTo(3.5777088, 6);
    expect(r.rc).toBeCloseTo(1.9565595, 6); // 7 / 3.5777088
    expect(r.threshold).toBeCloseTo(7.0123093, 6);
    expect(r).toMatchObject({ reliable: false, direction: 'no reliable change', sd: 8, reliability: 0.9 });
  });

  it('calls an 8-point drop a reliable deterioration', () => {
    const r = reliableChange(48, 40, { sd: 8, reliability: 0.9 });
    expect(r.rc).toBeCloseTo(-2.236068, 6); // −8 / 3.5777088 = −√5
    expect(r).toMatchObject({ reliable: true, direction: 'deteriorated' });
  });

  it('refuses impossible parameters', () => {
    expect(() => reliableChange(1, 2, { sd: 0, reliability: 0.9 })).toThrow('the SD must be positive');
    expect(() => reliableChange(1, 2, { sd: 1, reliability: 1 })).toThrow('strictly between 0 and 1');
  });

  it('takes the reliability from the definition norm and the SD from the caller, naming both sources', () => {
    // CALPAS client total: α = .83 (Gaston 1991). SD 1: SE = √0.17 = 0.4123106; S_diff = 0.5830952; RC = 1/0.5830952 = 1.7149859
    const r = reliableChangeFor(def('calpas'), 'client', 'total', 4, 5, { sd: 1 });
    expect(r.reliability).toBe(0.83);
    expect(r.rc).toBeCloseTo(1.7149859, 6);
    expect(r.sdSource).toBe('supplied by the caller');
    expect(r.reliabilitySource).toMatch(/^calpas norm \(147 private-practice patients \(Gaston 1991\); confirmed: /);
  });

  it('lets the caller override a norm, and says what is missing when neither gives a value', () => {
    expect(
      reliableChangeFor(def('srs'), 'client', 'total', 30, 35, { sd: 5, reliability: 0.5 }).reliabilitySource,
    ).toBe('supplied by the caller');
    expect(() => reliableChangeFor(def('wai-sr'), 'client', 'total', 40, 45)).toThrow(
      'wai-sr client total has no norm giving an SD or a reliability; supply an SD and a reliability',
    );
    expect(() => reliableChangeFor(def('wai-sr'), 'client', 'nope', 40, 45, { sd: 1, reliability: 0.5 })).toThrow(
      'has no scale "nope"',
    );
  });
});
