import { loadRegistry } from '@alliance-lab/instruments';
import { describe, expect, it } from 'vitest';
import type { Signal } from '../result-schema';
import { constructOf, lexiconItems, toFormScale } from './lexicon-items';
import { testMarkerSet } from './test-markers';

const registry = loadRegistry();
const wai = registry.view('wai-o-s', 'observer');
const srs = registry.view('srs', 'client');
const items = testMarkerSet().file.items;
const signal = (
  domain: Signal['domain'],
  subSignal: string,
  direction: Signal['direction'],
  strength: number,
  evidence = ['u1'],
): Signal => ({
  domain,
  subSignal,
  direction,
  strength,
  evidence,
  quote: 'q',
});

describe('constructOf', () => {
  it('takes the instrument item map first, then the first mapped scale, then the fallback', () => {
    expect(constructOf(items, srs, '1')).toBe('bond');
    expect(constructOf(items, wai, '3')).toBe('bond');
    expect(constructOf(items, wai, '4')).toBe('goal');
    // Task items: "task" is not mapped in the test file.
    expect(constructOf(items, wai, '1')).toBe('overall');
    expect(constructOf(items, srs, '3')).toBe('overall');
  });
});

describe('lexiconItems', () => {
  it('rates every item 4, "no evidence", with no evidence ids when nothing fired', () => {
    const [form] = lexiconItems(items, [], [wai]);
    expect(form!.items).toHaveLength(12);
    for (const it of form!.items) {
      expect(it.value).toBe(4);
      expect(it.evidence).toEqual([]);
      expect(it.rationale).toMatch(/no evidence/);
    }
  });

  it('moves gain points per unit of evidence, reverses negatively worded items and cites the signals', () => {
    const [form] = lexiconItems(
      items,
      [
        signal('collaboration-goals', 'goal-agreement', 'strength', 0.8, ['u6']),
        signal('relationship-quality', 'empathy', 'concern', 0.5, ['u7']),
      ],
      [wai],
    );
    const by = new Map(form!.items.map((i) => [i.item, i]));
    // Goal items: 4 + 3 * 0.8 = 6.4, unrounded; item 4 is negatively worded: 8 - 6.4 = 1.6.
    expect(by.get('6')!.value).toBe(6.4);
    expect(by.get('4')!.value).toBe(1.6);
    expect(by.get('4')!.rationale).toMatch(/reversed/);
    expect(by.get('6')!.evidence).toEqual(['u6']);
    // Bond items: 4 - 3 * 0.5 = 2.5, kept as it is: the scoring engine scores continuous values.
    expect(by.get('3')!.value).toBe(2.5);
    expect(by.get('3')!.evidence).toEqual(['u7']);
  });

  it('maps the 1–7 evidence value linearly onto another form scale without rounding to its steps', () => {
    const [form] = lexiconItems(items, [signal('relationship-quality', 'empathy', 'strength', 0.5)], [srs]);
    const by = new Map(form!.items.map((i) => [i.item, i.value]));
    // Item 1 (bond): 5.5 on 1–7 -> 0 + 4.5/6 * 10 = 7.5 on the SRS 0–10 line.
    expect(by.get('1')).toBe(7.5);
    // Item 2 maps to a construct without evidence: 4 -> the midpoint 5.0.
    expect(by.get('2')).toBe(5);
    expect(toFormScale(7, { min: 1, max: 5 })).toBe(5);
    expect(toFormScale(1, { min: 1, max: 5 })).toBe(1);
    expect(toFormScale(4, { min: 1, max: 5 })).toBe(3);
    // 5.5 on 1–7 is 4 on 1–5 exactly; 5 on 1–7 is 3.667, not rounded to 4.
    expect(toFormScale(5, { min: 1, max: 5 })).toBe(3.667);
    expect(form!.continuous).toBe(true);
  });

  it('keeps values inside the scale however strong the evidence', () => {
    const strong = [
      signal('relationship-quality', 'empathy', 'strength', 1),
      signal('collaboration-goals', 'goal-agreement', 'strength', 1),
    ];
    const [form] = lexiconItems({ ...items, gain: 3 }, strong, [wai]);
    for (const it of form!.items) expect(it.value).toBeGreaterThanOrEqual(1), expect(it.value).toBeLessThanOrEqual(7);
    expect(form!.items.find((i) => i.item === '6')!.value).toBe(7);
    expect(form!.items.find((i) => i.item === '4')!.value).toBe(1);
  });
});
