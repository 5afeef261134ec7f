import { describe, expect, it } from 'vitest';
import { builtinDefinitions } from './builtin';
import type { InstrumentDefinition } from './definition-schema';
import { scoreResponse, type RawValues } from './score';

const defs = new Map(builtinDefinitions().map((d) => [d.id, d]));
const def = (id: string): InstrumentDefinition => defs.get(id)!;
const items = (pairs: Record<string, string | number>): RawValues => pairs;
/** Values for items 1..n from a list. */
const seq = (values: Array<number | string>): RawValues => Object.fromEntries(values.map((v, i) => [String(i + 1), v]));

describe('WAI-SR (sum scales, 1–5, no reversed items)', () => {
  // items 1..12 = 5 4 3 4 5 2 3 4 5 1 2 3
  const full = seq([5, 4, 3, 4, 5, 2, 3, 4, 5, 1, 2, 3]);

  it('scores the client form: task 1,2,10,12 · bond 3,5,7,9 · goal 4,6,8,11 · total', () => {
    const r = scoreResponse(def('wai-sr'), 'client', full);
    expect(r.errors).toEqual([]);
    // task = 5+4+1+3 = 13; POMP = (13−4)/(20−4)·100 = 56.25
    expect(r.scales.task).toMatchObject({ score: 13, pomp: 56.25, prorated: false, missing: false });
    // bond = 3+5+3+5 = 16; POMP = 12/16·100 = 75
    expect(r.scales.bond).toMatchObject({ score: 16, pomp: 75 });
    // goal = 4+2+4+2 = 12; POMP = 8/16·100 = 50
    expect(r.scales.goal).toMatchObject({ score: 12, pomp: 50 });
    // total = 13+16+12 = 41; POMP = (41−12)/(60−12)·100 = 29/48·100 = 60.41666…
    expect(r.scales.total!.score).toBe(41);
    expect(r.scales.total!.pomp).toBeCloseTo(60.416667, 5);
  });

  it('prorates a sum scale as mean of the answered items × number of items', () => {
    const { '9': _, ...rest } = full;
    const r = scoreResponse(def('wai-sr'), 'client', rest);
    // bond without item 9: 3 of 4 answered (75%) → mean(3,5,3) = 11/3, × 4 = 44/3 = 14.666…
    expect(r.scales.bond!.prorated).toBe(true);
    expect(r.scales.bond!.score).toBeCloseTo(44 / 3, 8);
    // POMP = (44/3 − 4)/16·100 = (32/3)/16·100 = 66.666…
    expect(r.scales.bond!.pomp).toBeCloseTo(66.666667, 5);
    // total: 11 of 12 answered, sum 41−5 = 36 → 36/11 × 12 = 39.2727…
    expect(r.scales.total!.score).toBeCloseTo(432 / 11, 8);
    expect(r.scales.task).toMatchObject({ score: 13, prorated: false });
  });

  it('reports a scale as missing below 75% answered while the total is still prorated', () => {
    const r = scoreResponse(def('wai-sr'), 'client', { ...full, '7': '', '9': '' });
    // bond: 2 of 4 = 50% < 75% → missing
    expect(r.scales.bond).toMatchObject({
      score: null,
      pomp: null,
      missing: true,
      prorated: false,
      answered: 2,
      items: 4,
    });
    // total: 10 of 12 answered, sum 41−5−3 = 33 → 33/10 × 12 = 39.6
    expect(r.scales.total!.score).toBeCloseTo(39.6, 9);
    expect(r.scales.total!.prorated).toBe(true);
  });

  it('scores the therapist form (WAI-SR-T) with the mirrored key', () => {
    const r = scoreResponse(def('wai-sr'), 'therapist', seq(Array(12).fill(3)));
    // every subscale 3+3+3+3 = 12 → POMP (12−4)/16·100 = 50; total 36 → (36−12)/48·100 = 50
    for (const s of ['goal', 'task', 'bond']) expect(r.scales[s]).toMatchObject({ score: 12, pomp: 50 });
    expect(r.scales.total).toMatchObject({ score: 36, pomp: 50 });
  });
});

describe('value validation', () => {
  const base = seq([5, 4, 3, 4, 5, 2, 3, 4, 5, 1, 2, 3]);

  it('rejects out-of-range, non-numeric, wrongly precise and unknown items, naming row and item', () => {
    const r = scoreResponse(
      def('wai-sr'),
      'client',
      { ...base, '2': '6', '3': '0', '5': 'often', '6': '3.5', '8': '4,5', '13': '2' },
      { row: 7 },
    );
    const byItem = Object.fromEntries(r.errors.map((e) => [e.item, e.message]));
    expect(byItem['2']).toBe('row 7, item 2: 6 is above the scale maximum 5');
    expect(byItem['3']).toBe('row 7, item 3: 0 is below the scale minimum 1');
    expect(byItem['5']).toBe('row 7, item 5: "often" is not a number');
    expect(byItem['6']).toMatch(
      /^row 7, item 6: 3\.5 has more decimals than the scale allows \(whole numbers from 1 to 5\)/,
    );
    expect(byItem['8']).toMatch(/^row 7, item 8: "4,5" is not a number \(use a point as the decimal separator\)/);
    expect(byItem['13']).toBe('row 7, item 13: unknown item "13"; wai-sr client items are 1–12');
    expect(r.errors).toHaveLength(6);
  });

  it('still scores what the valid items support when a row has errors', () => {
    const r = scoreResponse(def('wai-sr'), 'client', { ...base, '2': '9' });
    // task loses item 2: mean(5,1,3) = 3 × 4 = 12, prorated; bond is untouched at 16
    expect(r.scales.task).toMatchObject({ score: 12, prorated: true });
    expect(r.scales.bond).toMatchObject({ score: 16, prorated: false });
    expect(r.errors).toHaveLength(1);
  });

  it('treats blanks, whitespace and absent items as unanswered, not as errors', () => {
    const r = scoreResponse(def('wai-sr'), 'client', { '1': ' ', '2': '' });
    expect(r.errors).toEqual([]);
    expect(r.scales.total!.missing).toBe(true);
  });

  it('accepts one decimal on the SRS and refuses two', () => {
    const r = scoreResponse(def('srs'), 'client', seq(['7.25', '8', '9', '10']), { row: 1 });
    expect(r.errors.map((e) => e.message)).toEqual([
      'row 1, item 1: 7.25 has more decimals than the scale allows (at most 1 decimal from 0 to 10)',
    ]);
  });
});

describe('WAI-O-S (observer, means on 1–7, items 4 and 10 reversed)', () => {
  // raw 6 5 4 2 7 6 4 5 6 3 5 6; keyed item 4 = 8−2 = 6, item 10 = 8−3 = 5
  const r = scoreResponse(def('wai-o-s'), 'observer', seq([6, 5, 4, 2, 7, 6, 4, 5, 6, 3, 5, 6]));

  it('reverse-keys items 4 and 10 as max + min − x', () => {
    expect(r.keyed['4']).toBe(6);
    expect(r.keyed['10']).toBe(5);
  });

  it('scores goal, task and bond', () => {
    // goal 4,6,8,11 → (6+6+5+5)/4 = 5.5; POMP (5.5−1)/6·100 = 75
    expect(r.scales.goal).toMatchObject({ score: 5.5, pomp: 75 });
    // task 1,2,10,12 → (6+5+5+6)/4 = 5.5
    expect(r.scales.task).toMatchObject({ score: 5.5, pomp: 75 });
    // bond 3,5,7,9 → (4+7+4+6)/4 = 5.25; POMP 4.25/6·100 = 70.833…
    expect(r.scales.bond!.score).toBe(5.25);
    expect(r.scales.bond!.pomp).toBeCloseTo(70.833333, 5);
  });

  it('scores the two-factor agreement/relationship scales and the total', () => {
    // agreement/confidence = goal ∪ task items + the confidence item 5 → (6+5+6+7+6+5+5+5+6)/9 = 51/9
    expect(r.scales.agreement!.score).toBeCloseTo(51 / 9, 9);
    expect(r.scales.agreement!.pomp).toBeCloseTo((42 / 9 / 6) * 100, 9);
    // relationship = items 3, 7, 9 → (4+4+6)/3
    expect(r.scales.relationship!.score).toBeCloseTo(14 / 3, 9);
    // total = (6+5+4+6+7+6+4+5+6+5+5+6)/12 = 65/12 = 5.41666…; POMP (53/12)/6·100 = 73.611…
    expect(r.scales.total!.score).toBeCloseTo(65 / 12, 8);
    expect(r.scales.total!.pomp).toBeCloseTo(73.611111, 5);
  });
});

describe('SRS and CSRS (0–10 one decimal, sum, all four lines required)', () => {
  it('scores the client total', () => {
    // 7.1 + 8.2 + 9.3 + 6.4 = 31.0; POMP 31/40·100 = 77.5
    const r = scoreResponse(def('srs'), 'client', seq(['7.1', '8.2', '9.3', '6.4']));
    expect(r.scales.total).toMatchObject({ score: 31, pomp: 77.5, prorated: false, missing: false });
  });

  it('does not prorate: three lines of four leave the total missing', () => {
    const r = scoreResponse(def('srs'), 'client', seq(['7.1', '8.2', '9.3', '']));
    expect(r.scales.total).toMatchObject({ score: null, missing: true, answered: 3 });
  });

  it('scores the child form', () => {
    // 10 + 0 + 5.5 + 9.9 = 25.4; POMP 25.4/40·100 = 63.5
    const r = scoreResponse(def('srs'), 'child', seq(['10', '0', '5.5', '9.9']));
    expect(r.scales.total!.score).toBeCloseTo(25.4, 9);
    expect(r.scales.total!.pomp).toBeCloseTo(63.5, 9);
  });
});

describe('ARM-5 (mean, item 3 reversed)', () => {
  it('scores the client form', () => {
    // 6 5 2 7 4; item 3 → 8−2 = 6; mean (6+5+6+7+4)/5 = 28/5 = 5.6; POMP 4.6/6·100 = 76.666…
    const r = scoreResponse(def('arm-5'), 'client', seq([6, 5, 2, 7, 4]));
    expect(r.scales.total!.score).toBeCloseTo(5.6, 9);
    expect(r.scales.total!.pomp).toBeCloseTo(76.666667, 5);
  });

  it('prorates with 4 of 5 items and is missing with 3 of 5', () => {
    // without item 5: (6+5+6+7)/4 = 6
    expect(scoreResponse(def('arm-5'), 'client', seq([6, 5, 2, 7, ''])).scales.total).toMatchObject({
      score: 6,
      prorated: true,
    });
    // 3 of 5 = 60% < 75%
    expect(scoreResponse(def('arm-5'), 'client', seq([6, 5, 2, '', ''])).scales.total).toMatchObject({
      score: null,
      missing: true,
    });
  });

  it('scores the therapist form with the same reversal', () => {
    // 4 4 7 4 4; item 3 → 8−7 = 1; (4+4+1+4+4)/5 = 17/5 = 3.4
    expect(scoreResponse(def('arm-5'), 'therapist', seq([4, 4, 7, 4, 4])).scales.total!.score).toBeCloseTo(3.4, 9);
  });
});

describe('ARM-12 and ARM-28 (mean scales; provisional keys)', () => {
  it('scores the four three-item ARM-12 subscales on both forms', () => {
    for (const form of ['client', 'therapist']) {
      const r = scoreResponse(def('arm-12'), form, seq([1, 2, 3, 4, 5, 6, 7, 7, 7, 1, 1, 1]));
      // placeholder key: bond 1–3 → 2, POMP 1/6·100; partnership 4–6 → 5; confidence 7–9 → 7; openness 10–12 → 1
      expect(r.scales.bond!.score).toBe(2);
      expect(r.scales.bond!.pomp).toBeCloseTo(100 / 6, 9);
      expect(r.scales.partnership!.score).toBe(5);
      expect(r.scales.confidence).toMatchObject({ score: 7, pomp: 100 });
      expect(r.scales.openness).toMatchObject({ score: 1, pomp: 0 });
      expect(r.scales.total).toBeUndefined();
    }
    // three-item subscales need all three items (75% of 3 rounds up)
    const missing = scoreResponse(def('arm-12'), 'client', { ...seq([1, 2, 3, 4, 5, 6, 7, 7, 7, 1, 1, 1]), '2': null });
    expect(missing.scales.bond).toMatchObject({ score: null, missing: true });
  });

  it('scores ARM-28 on its five scales on both forms', () => {
    // item i = ((i−1) mod 7) + 1 → 1..7 repeated four times
    const values = seq(Array.from({ length: 28 }, (_, i) => (i % 7) + 1));
    for (const form of ['client', 'therapist']) {
      const r = scoreResponse(def('arm-28'), form, values);
      expect(r.scales.bond!.score).toBe(3.5); // items 1–6: 1..6 → 21/6
      expect(r.scales.partnership!.score).toBeCloseTo(22 / 6, 9); // items 7–12: 7,1,2,3,4,5
      expect(r.scales.confidence!.score).toBeCloseTo(23 / 6, 9); // items 13–18: 6,7,1,2,3,4
      expect(r.scales.openness!.score).toBeCloseTo(4.2, 9); // items 19–23: 5,6,7,1,2 → 21/5
      expect(r.scales.initiative!.score).toBe(5); // items 24–28: 3,4,5,6,7 → 25/5
    }
  });
});

describe('CALPAS (24 items, four 6-item mean scales, total mean; provisional key)', () => {
  // pwc = 1,5,…,21 all 5; pc = 2,6,…,22 all 3; wsc = 3,7,…,23 get 1..6; tui = 4,8,…,24 all 7
  const values: RawValues = {};
  for (let i = 1; i <= 24; i++) values[String(i)] = [5, 3, Math.ceil(i / 4), 7][(i - 1) % 4]!;

  it('scores the four scales and the total on every form', () => {
    for (const form of ['client', 'therapist', 'observer']) {
      const r = scoreResponse(def('calpas'), form, values);
      expect(r.scales.pwc!.score).toBe(5);
      expect(r.scales.pwc!.pomp).toBeCloseTo(66.666667, 5); // (5−1)/(7−1)·100
      expect(r.scales.pc!.score).toBe(3);
      expect(r.scales.wsc!.score).toBe(3.5); // (1+2+3+4+5+6)/6
      expect(r.scales.tui).toMatchObject({ score: 7, pomp: 100 });
      // total = (6·5 + 6·3 + 21 + 6·7)/24 = 111/24 = 4.625; POMP 3.625/6·100 = 60.41666…
      expect(r.scales.total!.score).toBe(4.625);
      expect(r.scales.total!.pomp).toBeCloseTo(60.416667, 5);
    }
  });

  it('prorates a 6-item scale with 5 answered and drops it with 4', () => {
    // wsc without item 23 (value 6): (1+2+3+4+5)/5 = 3
    expect(scoreResponse(def('calpas'), 'observer', { ...values, '23': '' }).scales.wsc).toMatchObject({
      score: 3,
      prorated: true,
    });
    // 4 of 6 = 66.7% < 75%
    expect(scoreResponse(def('calpas'), 'therapist', { ...values, '19': '', '23': '' }).scales.wsc).toMatchObject({
      score: null,
      missing: true,
    });
  });
});

describe('forms', () => {
  it('refuses a form the instrument does not have', () => {
    expect(() => scoreResponse(def('srs'), 'observer', items({}))).toThrow(
      'instrument "srs" has no form "observer"; its forms are client, child',
    );
  });
});
