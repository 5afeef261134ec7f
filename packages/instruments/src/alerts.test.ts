import { describe, expect, it } from 'vitest';
import { evaluateAlerts } from './alerts';
import { builtinDefinitions } from './builtin';

const srs = builtinDefinitions().find((d) => d.id === 'srs')!;

describe('SRS alert rules', () => {
  it('flags a total below the default cut-off of 36, and not a total of exactly 36', () => {
    expect(evaluateAlerts(srs, 'client', { total: 35.9 }).map((a) => a.kind)).toEqual(['below']);
    expect(evaluateAlerts(srs, 'client', { total: 36 })).toEqual([]);
  });

  it('honours a study cut-off and the <= inequality', () => {
    expect(evaluateAlerts(srs, 'client', { total: 36 }, undefined, { inequality: '<=' }).map((a) => a.message)).toEqual(
      ['total 36 is <= the cut-off 36'],
    );
    expect(evaluateAlerts(srs, 'client', { total: 37 }, undefined, { cutoff: 38 })).toHaveLength(1);
  });

  it('flags a drop of at least 1 point from the last session, despite float noise', () => {
    // 4.1 − 3.1 is 0.9999999999999996 in binary floating point; it is a 1-point drop
    expect(evaluateAlerts(srs, 'client', { total: 3.1 }, { total: 4.1 }).map((a) => a.kind)).toEqual(['below', 'drop']);
    expect(evaluateAlerts(srs, 'client', { total: 38.4 }, { total: 39.4 }).map((a) => a.kind)).toEqual(['drop']);
    expect(evaluateAlerts(srs, 'client', { total: 38.5 }, { total: 39.4 })).toEqual([]);
    expect(evaluateAlerts(srs, 'client', { total: 38.4 }, { total: 39.4 }, { minDrop: 2 })).toEqual([]);
  });

  it('applies only the drop rule to the child form and ignores missing scores', () => {
    expect(evaluateAlerts(srs, 'child', { total: 20 }, { total: 30 }).map((a) => a.kind)).toEqual(['drop']);
    expect(evaluateAlerts(srs, 'client', { total: null }, { total: 39 })).toEqual([]);
  });
});
