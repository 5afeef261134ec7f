import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateDetection, type LabelledCase } from './evaluate';
import { nlpSpans } from './nlp-detector';

/** Synthetic sentences with gold spans; README.md reports the figures these tests hold floors for. */
const { cases, heldOut } = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'labelled-sentences.json'), 'utf8'),
) as { cases: LabelledCase[]; heldOut: LabelledCase[] };
const KINDS = ['NAME', 'PLACE', 'ADDRESS', 'DATE', 'PHONE', 'EMAIL'] as const;

/** [recall, precision] floors with both detectors. */
const FLOORS: Record<string, [number, number]> = {
  NAME: [0.9, 0.9],
  PLACE: [0.9, 0.9],
  ADDRESS: [0.9, 0.9],
  DATE: [0.9, 0.9],
  PHONE: [1, 1],
  EMAIL: [1, 1],
};

describe('de-identification measured on labelled sentences', () => {
  const rules = evaluateDetection(cases, { nlp: false }, KINDS);
  const both = evaluateDetection(cases, { nlp: true }, KINDS);

  it.each([
    ['the sentences the rules were tuned on', cases],
    ['the held-out sentences', heldOut],
  ])('holds the recall and precision floors with both detectors on %s', (_, set) => {
    const r = evaluateDetection(set, { nlp: true }, KINDS);
    const below = Object.entries(FLOORS).filter(
      ([kind, [recall, precision]]) =>
        (r.byKind[kind]!.recall ?? 1) < recall || (r.byKind[kind]!.precision ?? 1) < precision,
    );
    expect(below.map(([kind]) => [kind, r.byKind[kind]])).toEqual([]);
    expect(r.leaked).toBe(0);
    expect(r.changedClean).toBe(0);
  });

  it('owes its lower-case names to the second detector: the list and patterns alone leak', () => {
    expect(rules.byKind.NAME!.recall!).toBeLessThan(0.7);
    expect(both.byKind.NAME!.recall! - rules.byKind.NAME!.recall!).toBeGreaterThan(0.25);
    expect(rules.leaked).toBeGreaterThan(5);
  });

  it('finds the same people and places whether turns are tagged one by one or as one document', () => {
    const texts = [...cases, ...heldOut].map((c) => c.text.normalize('NFC'));
    expect(nlpSpans(texts)).toEqual(texts.map((t) => nlpSpans([t])[0]));
  });
});
