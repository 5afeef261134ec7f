import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinDefinitions } from './builtin';
import { formView } from './form-view';

const DIR = join(import.meta.dirname, '..', 'definitions');
const def = (id: string) => builtinDefinitions().find((d) => d.id === id)!;

/** The facts in the shipped definitions, checked against the literature notes they were corrected from. */
describe('shipped definitions: sources', () => {
  it('cite their sources in full, never a research-note file, section or source code', () => {
    // "instruments.md §1.3", "Blueprint S2", "(S29)", "anchors.md §1", "issue 3" point outside the repository.
    const code = /instruments\.md|anchors\.md|§|\bS\d{1,2}\b|\bissue \d/;
    for (const file of readdirSync(DIR)) {
      const strings: string[] = [];
      const walk = (x: unknown): void => {
        if (typeof x === 'string') strings.push(x);
        else if (Array.isArray(x)) x.forEach(walk);
        else if (x && typeof x === 'object') Object.values(x).forEach(walk);
      };
      walk(JSON.parse(readFileSync(join(DIR, file), 'utf8')));
      expect({ file, codes: strings.filter((s) => code.test(s)) }).toEqual({ file, codes: [] });
    }
    for (const d of builtinDefinitions())
      for (const c of d.citations)
        expect({ key: c.key, year: /\((\d{4}|n\.d\.)\)/.test(c.text) }).toMatchObject({ year: true });
  });

  it('give the corrected Cahill et al. (2012) and WAI-SR references', () => {
    for (const id of ['arm-5', 'arm-12'])
      expect(def(id).citations.find((c) => c.key === 'cahill-2012')).toMatchObject({
        doi: '10.1080/10503307.2011.643253',
        confirmed: true,
        text: expect.stringContaining('Psychotherapy Research, 22(3), 241–255.'),
      });
    expect(def('wai-sr').citations.find((c) => c.key === 'hatcher-gillaspy-2006')!.doi).toBe(
      '10.1080/10503300500352500',
    );
  });
});

describe('shipped definitions: corrected structure', () => {
  it('shapes the ARM-12 as four three-item subscales on parallel forms, its item key still a placeholder', () => {
    const arm12 = def('arm-12');
    expect(arm12.scales.map((s) => [s.id, s.items.length])).toEqual([
      ['bond', 3],
      ['partnership', 3],
      ['confidence', 3],
      ['openness', 3],
    ]);
    expect(new Set(arm12.scales.flatMap((s) => s.items)).size).toBe(12);
    expect(arm12.scales.every((s) => !s.confirmed && /PROVISIONAL/.test(s.source))).toBe(true);
    expect(arm12.items.every((it) => !it.keying.confirmed)).toBe(true);
    expect(arm12.forms.map((f) => [f.id, f.confirmed])).toEqual([
      ['client', true],
      ['therapist', true],
    ]);
  });

  it('puts WAI-O-S item 5 on Agreement/Confidence, recording the decision, its source and its certainty', () => {
    const scales = Object.fromEntries(def('wai-o-s').scales.map((s) => [s.id, s]));
    expect(scales.agreement!.items).toContain('5');
    expect(scales.relationship!.items).toEqual(['3', '7', '9']);
    for (const id of ['agreement', 'relationship']) {
      expect(scales[id]!.confirmed).toBe(false);
      expect(scales[id]!.source).toMatch(/Andrusyna.*Item 5.*Decision.*Certainty: moderate/s);
    }
  });

  it('upgrades the facts the second search supports, with third-party sources named', () => {
    const obs = def('wai-o-s');
    const reversed = obs.items.filter((it) => it.keying.reverse).map((it) => it.id);
    expect(reversed).toEqual(['4', '10']);
    expect(obs.items.every((it) => it.keying.confirmed && /PsyChain/.test(it.keying.source))).toBe(true);
    expect(obs.forms[0]!.scale.anchors.find((a) => a.value === 4)!.label).toMatch(/no evidence/);
    const wai = def('wai-sr');
    expect(wai.items.every((it) => !it.keying.reverse && it.keying.confirmed)).toBe(true);
    // the therapist form's keying is still not sourced
    expect(wai.items.every((it) => it.formKeying?.therapist?.confirmed === false)).toBe(true);
    const arm5 = def('arm-5');
    expect(arm5.forms.find((f) => f.id === 'therapist')).toMatchObject({ confirmed: true });
    expect(arm5.forms[0]!.scale.anchors).toHaveLength(7);
    const srs = def('srs');
    expect(srs.forms.map((f) => [f.id, f.confirmed, /CORC/.test(f.source)])).toEqual([
      ['client', true, true],
      ['child', true, true],
    ]);
    expect(srs.forms[0]!.scale.confirmed).toBe(false); // one-decimal precision: no published rule
    const calpas = def('calpas');
    expect(calpas.scales.every((s) => !s.confirmed && /Ardito & Rabellino/.test(s.source))).toBe(true);
  });
});

describe('SRS licence: paper and pencil only', () => {
  it('says so in the licence note and gives form presenters a notice to show on screen', () => {
    const srs = def('srs');
    expect(srs.licence.note).toMatch(/paper-and-pencil use only.*digitally needs a licence from the authors/);
    for (const form of ['client', 'child'])
      expect(formView(srs, form).digitalUseNotice).toMatch(/paper-and-pencil use only.*on a screen needs a licence/);
    expect(formView(def('wai-sr'), 'client').digitalUseNotice).toBeNull();
  });
});
