import { loadRegistry } from '@alliance-lab/instruments';
import { describe, expect, it } from 'vitest';
import type { RatableTranscript, RatableUtterance } from '../rater';
import type { RaterOutput } from '../result-schema';
import { createValidator, MAX_ERRORS, normaliseQuote, showId, validateOutput } from './validate-output';

const registry = loadRegistry();
const WAI = registry.view('wai-o-s', 'observer');
const UTTERANCES: RatableUtterance[] = [
  { id: 'u1', role: 'therapist', text: 'What brought you in this week?' },
  { id: 'u2', role: 'client', text: 'My partner’s been on at me about the drinking again.' },
  { id: 'u3', role: 'therapist', text: 'It sounds like   that has been wearing on you.' },
  { id: 'u4', role: 'client', text: 'Yeah. I just want it to stop.' },
  { id: 'u5', role: 'therapist', text: "I'm sorry, I cut you off there." },
];
const T: RatableTranscript = { sessionId: 'C01/1', transcriptId: 't1', contentHash: 'h', utterances: UTTERANCES };

function valid(): RaterOutput {
  return {
    forms: [
      {
        instrument: 'wai-o-s',
        form: 'observer',
        items: WAI.items.map((it) => ({ item: it.id, value: 4, rationale: 'No evidence.', evidence: [] })),
      },
    ],
    signals: [
      {
        domain: 'relationship-quality',
        subSignal: 'empathy',
        direction: 'strength',
        strength: 0.6,
        evidence: ['u3'],
        quote: 'It sounds like that has been wearing on you',
      },
    ],
    ruptures: [
      {
        marker: 'withdrawal',
        markerType: 'minimal response',
        startUtterance: 'u2',
        endUtterance: 'u4',
        resolution: { strategy: 'acknowledging own contribution', utterance: 'u5' },
        resolved: true,
      },
    ],
  };
}
const errorsOf = (o: unknown) => {
  const v = validateOutput(o, T, [WAI]);
  return v.ok ? [] : v.errors;
};

describe('validateOutput', () => {
  it('accepts a grounded answer and returns it parsed', () => {
    const v = validateOutput(valid(), T, [WAI]);
    expect(v).toEqual({ ok: true, value: valid() });
  });

  it('reports schema problems by path before anything else', () => {
    const o = valid() as unknown as {
      forms: Array<{ items: Array<{ value: unknown }> }>;
      signals: Array<{ strength: number }>;
    };
    o.forms[0]!.items[0]!.value = 'four';
    o.signals[0]!.strength = 2;
    const errors = errorsOf(o);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^forms\[0\]\.items\[0\]\.value: .*expected number/);
    expect(errors[1]).toMatch(/^signals\[0\]\.strength: /);
  });

  it('accepts values between the scale steps on a form marked continuous, but still holds them to the range', () => {
    const o = valid() as ReturnType<typeof valid> & { forms: Array<{ continuous?: boolean }> };
    o.forms[0]!.items[1]!.value = 4.5;
    expect(errorsOf(o).some((e) => e.includes('4.5'))).toBe(true);
    o.forms[0]!.continuous = true;
    expect(errorsOf(o)).toEqual([]);
    o.forms[0]!.items[0]!.value = 7.2;
    expect(errorsOf(o)).toEqual([
      'wai-o-s:observer item "1": 7.2 is above the scale maximum 7; use a value on the scale 1–7 (whole numbers)',
    ]);
  });

  it('checks every item is on the scale, present once, and known', () => {
    const o = valid();
    o.forms[0]!.items[0]!.value = 8;
    o.forms[0]!.items[1]!.value = 4.5;
    o.forms[0]!.items[2] = { ...o.forms[0]!.items[2]!, item: '13' };
    o.forms[0]!.items[3] = { ...o.forms[0]!.items[3]!, item: '5' };
    const errors = errorsOf(o);
    expect(errors).toContain(
      'wai-o-s:observer item "1": 8 is above the scale maximum 7; use a value on the scale 1–7 (whole numbers)',
    );
    expect(errors).toContain(
      'wai-o-s:observer item "2": 4.5 has more decimals than the scale allows (whole numbers from 1 to 7); use a value on the scale 1–7 (whole numbers)',
    );
    expect(errors).toContain('forms[0].items[2]: wai-o-s:observer has no item "13"; its items are 1–12');
    expect(errors).toContain('wai-o-s:observer item "5" is rated twice; rate each item once');
    expect(errors).toContain('wai-o-s:observer: items 3, 4 are missing; rate every item');
  });

  it('wants exactly the requested forms', () => {
    const o = valid();
    o.forms.push({ ...o.forms[0]!, instrument: 'calpas' });
    expect(errorsOf(o)).toEqual(['forms[1]: "calpas:observer" was not requested; rate only wai-o-s:observer']);
    expect(errorsOf({ ...valid(), forms: [] })).toEqual(['wai-o-s:observer is missing; rate all 12 of its items']);
    const twice = valid();
    twice.forms.push(twice.forms[0]!);
    expect(errorsOf(twice)).toEqual(['forms[1]: wai-o-s:observer appears twice; give each form once']);
  });

  it('checks that evidence ids exist', () => {
    const o = valid();
    o.forms[0]!.items[0]!.evidence = ['u2', 'u99'];
    o.signals[0]!.evidence = ['u0'];
    expect(errorsOf(o)).toEqual([
      'wai-o-s:observer item "1": evidence cites "u99", not in the transcript',
      'signals[0]: evidence cites "u0", not in the transcript',
    ]);
  });

  it('finds quotes regardless of case, spacing, typographic apostrophes and framing quotation marks', () => {
    const o = valid();
    o.signals = [
      { ...o.signals[0]!, quote: '"it SOUNDS like that has been\nwearing on you."' },
      {
        domain: 'process-in-action',
        subSignal: 'resistance',
        direction: 'neutral',
        strength: 0.2,
        evidence: ['u2'],
        quote: "…my partner's been on at me",
      },
      // Across two cited utterances, in transcript order.
      {
        domain: 'process-in-action',
        subSignal: 'engagement',
        direction: 'concern',
        strength: 0.3,
        evidence: ['u5', 'u4'],
        quote: 'I just want it to stop. I’m sorry',
      },
    ];
    expect(errorsOf(o)).toEqual([]);
  });

  it('rejects a quote not in the cited utterances without repeating the quote or the transcript', () => {
    const o = valid();
    o.signals[0]!.quote = 'My partner has been on at me';
    o.signals.push({ ...o.signals[0]!, quote: 'the client says therapy is pointless', evidence: ['u2', 'u4'] });
    const errors = errorsOf(o);
    expect(errors).toEqual([
      'signals[0]: the quote does not occur in the cited utterance "u3"; copy it word for word from one of them, or cite the utterance it comes from',
      'signals[1]: the quote does not occur in the cited utterances "u2", "u4"; copy it word for word from one of them, or cite the utterance it comes from',
    ]);
    for (const e of errors) {
      expect(e).not.toMatch(/partner|pointless|wearing/i);
    }
  });

  it('checks that a sub-signal belongs to its domain', () => {
    const o = valid();
    o.signals[0]!.subSignal = 'closure';
    expect(errorsOf(o)).toEqual([
      'signals[0]: sub-signal "closure" belongs to session-flow, not relationship-quality; relationship-quality has empathy, attunement, trust, sensitive-topics, repairing-misalignment, family-collaboration',
    ]);
  });

  it('checks rupture ranges exist, run forwards and are not resolved before they start', () => {
    const o = valid();
    o.ruptures = [
      { ...o.ruptures[0]!, startUtterance: 'u4', endUtterance: 'u2' },
      { ...o.ruptures[0]!, endUtterance: 'u42' },
      { ...o.ruptures[0]!, startUtterance: 'u3', resolution: { strategy: 'clarifying', utterance: 'u1' } },
    ];
    expect(errorsOf(o)).toEqual([
      'ruptures[0]: startUtterance u4 comes after endUtterance u2; give the range in transcript order',
      'ruptures[1]: "u42" is not in the transcript',
      'ruptures[2]: the resolution utterance u1 comes before the rupture starts at u3',
    ]);
  });

  it('never echoes a value that is not shaped like an id', () => {
    const o = valid();
    o.forms[0]!.items[0]!.evidence = ['My partner’s been on at me'];
    const [e] = errorsOf(o);
    expect(e).toBe('wai-o-s:observer item "1": evidence cites (a value that is not an id), not in the transcript');
    expect(showId('u12')).toBe('"u12"');
  });

  it('caps a long list of problems', () => {
    const o = valid();
    o.signals = Array.from({ length: 60 }, () => ({ ...valid().signals[0]!, evidence: ['nope'] }));
    const errors = errorsOf(o);
    expect(errors).toHaveLength(MAX_ERRORS + 1);
    expect(errors[MAX_ERRORS]).toBe('and 20 more problems of the kinds above');
  });
});

describe('createValidator', () => {
  it('resolves forms by name through the registry', () => {
    const validate = createValidator(registry);
    expect(validate(valid(), T, [{ instrument: 'wai-o-s', form: 'observer' }]).ok).toBe(true);
    const v = validate(valid(), T, [{ instrument: 'calpas', form: 'observer' }]);
    expect(v.ok ? [] : v.errors).toContain('calpas:observer is missing; rate all 24 of its items');
  });
});

describe('normaliseQuote', () => {
  it('folds case, whitespace, typographic quotes and dashes', () => {
    expect(normaliseQuote('  It’s  “fine”\t— really ')).toBe('it\'s "fine" - really');
  });
});
