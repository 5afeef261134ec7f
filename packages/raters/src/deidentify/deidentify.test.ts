import { loadRegistry } from '@alliance-lab/instruments';
import { describe, expect, it } from 'vitest';
import type { RatableTranscript, RatableUtterance } from '../rater';
import { ratableHash } from '../run/run-transcripts';
import { validateOutput } from '../validate/validate-output';
import { deidentifyTranscript, deidentifyUtterances } from './deidentify';

const u = (id: string, text: string, role: RatableUtterance['role'] = 'client'): RatableUtterance => ({
  id,
  role,
  text,
});
const texts = (list: RatableUtterance[], names: string[] = []) =>
  deidentifyUtterances(list, { names }).utterances.map((x) => x.text);

describe('de-identification: the study name list', () => {
  const NAMES = ['Jane Doe', 'Kwame', 'Hope'];
  const session = [
    u('1', 'Jane Doe is my sister, and Kwame is her husband.'),
    u('2', "jane never calls. KWAME'S the one who phones.", 'therapist'),
    u('3', 'Jane   Doe came round on Sunday with Hope.'),
    u('4', 'I hope things get better.'),
  ];

  it('lets no listed name survive, in any case, whole or in part, with a possessive or extra spaces', () => {
    const out = texts(session, NAMES).join('\n');
    for (const name of ['jane', 'doe', 'kwame', 'hope'])
      expect(out.toLowerCase()).not.toMatch(new RegExp(`\\b${name}\\b`));
  });

  it('gives one person one placeholder across the transcript, and different people different ones', () => {
    const [a, b, c, d] = texts(session, NAMES);
    expect(a).toBe('[NAME_1] is my sister, and [NAME_2] is her husband.');
    expect(b).toBe("[NAME_1] never calls. [NAME_2]'S the one who phones.");
    expect(c).toBe('[NAME_1] came round on Sunday with [NAME_3].');
    // A listed name is replaced wherever it occurs as a word, even where it is not used as a name.
    expect(d).toBe('I [NAME_3] things get better.');
  });

  it('returns the mapping: placeholder, kind and every surface form, in order of appearance', () => {
    const { mapping } = deidentifyUtterances(session, { names: NAMES });
    expect(mapping).toEqual([
      { placeholder: '[NAME_1]', kind: 'NAME', originals: ['Jane Doe', 'jane', 'Jane   Doe'] },
      { placeholder: '[NAME_2]', kind: 'NAME', originals: ['Kwame', 'KWAME'] },
      { placeholder: '[NAME_3]', kind: 'NAME', originals: ['Hope', 'hope'] },
    ]);
  });
});

describe('de-identification: accents, letter case and composed forms', () => {
  it('replaces a decomposed (NFD) listed surname whole, with no fragment left, and matches it without accents', () => {
    const nfd = 'Núñez'.normalize('NFD');
    const { utterances, mapping } = deidentifyUtterances(
      [u('1', `Señora ${nfd} called, then NUNEZ again.`), u('2', 'Then nunez.')],
      { names: ['Núñez'] },
    );
    expect(utterances.map((x) => x.text)).toEqual(['Señora [NAME_1] called, then [NAME_1] again.', 'Then [NAME_1].']);
    expect(utterances[0]!.text).not.toMatch(/\p{M}|ñez|ez\b/u);
    expect(mapping).toEqual([{ placeholder: '[NAME_1]', kind: 'NAME', originals: ['Núñez', 'NUNEZ', 'nunez'] }]);
  });

  it('finds an accented name by context once the text is composed', () => {
    const [a] = texts([u('1', `I saw Dr. ${'Ángela Núñez'.normalize('NFD')} on Monday.`)]);
    expect(a).toBe('I saw Dr. [NAME_1] on Monday.');
  });

  it('catches names and places written in lower case, as speech-to-text writes them', () => {
    const [a, b] = texts([
      u('1', 'i went to see aunt rosa last week and she was fine'),
      u('2', 'we flew from sao paulo to london, and my friend maria met us'),
    ]);
    expect(a).toBe('i went to see aunt [NAME_1] last week and she was fine');
    expect(b).toBe('we flew from [PLACE_1] to [PLACE_2], and my friend [NAME_2] met us');
  });

  it('reads a named street as an address, not a person', () => {
    const { utterances, mapping } = deidentifyUtterances([u('1', 'He lives on Baker Street with his mother.')]);
    expect(utterances[0]!.text).toBe('He lives on [ADDRESS_1] with his mother.');
    expect(mapping).toEqual([{ placeholder: '[ADDRESS_1]', kind: 'ADDRESS', originals: ['Baker Street'] }]);
  });
});

describe('de-identification: detection', () => {
  it('replaces phone numbers, e-mail and street addresses, postcodes, dates and ages', () => {
    const [a, b, c, d] = texts([
      u('1', 'Call me on 555-123-4567 or (020) 7946 0958, or write to sam.k@example.org.'),
      u('2', 'We moved to 42 Maple Street, Apt 3 last year; the old place was SW1A 1AA.'),
      u('3', 'It happened on March 3rd, 2021 and again on 04/05/2022, then the 12th of June.'),
      u('4', "I'm 34 and my son is a 7-year-old. She turned 40 in May. I'm 5 minutes late."),
    ]);
    expect(a).toBe('Call me on [PHONE_1] or [PHONE_2], or write to [EMAIL_1].');
    expect(b).toBe('We moved to [ADDRESS_1] last year; the old place was [ADDRESS_2].');
    expect(c).toBe('It happened on [DATE_1] and again on [DATE_2], then the [DATE_3].');
    expect(d).toBe("I'm [AGE_1] and my son is a [AGE_2]-year-old. She turned [AGE_3] in May. I'm 5 minutes late.");
  });

  it('finds names after honorifics and introductions, and capitalised words inside a sentence', () => {
    const [a, b, c] = texts([
      u('1', 'My name is Priyanka and I saw Dr. Okafor last week.'),
      u('2', 'So I told Marguerite about it, and Marguerite laughed.'),
      u('3', 'Marguerite says hi.'),
    ]);
    expect(a).toBe('My name is [NAME_1] and I saw Dr. [NAME_2] last week.');
    expect(b).toBe('So I told [NAME_3] about it, and [NAME_3] laughed.');
    // Opening a sentence, a word is capitalised anyway; it is a name here because it was found as one elsewhere.
    expect(c).toBe('[NAME_3] says hi.');
  });

  it('finds places in the gazetteer and after "in", "from", "lives in"', () => {
    const [a, b] = texts([
      u('1', 'She lives in Tauranga now, near Auckland.'),
      u('2', 'I grew up in New York and we went to Chicago.'),
    ]);
    expect(a).toBe('She lives in [PLACE_1] now, near [PLACE_2].');
    expect(b).toBe('I grew up in [PLACE_3] and we went to [PLACE_4].');
  });

  it('leaves text without identifiers exactly as it was', () => {
    const ordinary = [
      u('1', "Honestly, I don't know. Yesterday was rough and Monday was worse.", 'client'),
      u('2', 'It sounds like Christmas with your Mom was hard. What would help?', 'therapist'),
      u('3', 'Drinking helps me relax. I went to AA in March and I take Zoloft now.', 'client'),
      u('4', "So you're Catholic, you speak English and Spanish, and you watch Netflix at night.", 'therapist'),
      u('5', 'I cut down from 20 drinks a week to 12. It took 3 months, maybe 4.', 'client'),
      u('6', 'Mm-hmm. Okay. On a scale from 0 to 10, where are you?', 'therapist'),
    ];
    const { utterances, mapping } = deidentifyUtterances(ordinary);
    expect(utterances).toEqual(ordinary);
    expect(mapping).toEqual([]);
  });

  it('keeps ids and roles, is deterministic, and changes the content hash only when text changes', () => {
    const t: RatableTranscript = {
      sessionId: 'C1/1',
      transcriptId: 't',
      contentHash: '',
      utterances: [u('a', 'I met Tomasz at work.', 'client'), u('b', 'How did that go?', 'therapist')],
    };
    t.contentHash = ratableHash(t.utterances);
    const one = deidentifyTranscript(t);
    const two = deidentifyTranscript(t);
    expect(one).toEqual(two);
    expect(one.transcript.utterances.map((x) => [x.id, x.role])).toEqual([
      ['a', 'client'],
      ['b', 'therapist'],
    ]);
    expect(one.transcript.contentHash).toBe(ratableHash(one.transcript.utterances));
    expect(one.transcript.contentHash).not.toBe(t.contentHash);
    expect(one.transcript.utterances[1]).toBe(t.utterances[1]);
  });

  it('is what quotes are checked against: a quote with the placeholder passes, one with the name does not', () => {
    const t: RatableTranscript = {
      sessionId: 'C1/1',
      transcriptId: 't',
      contentHash: 'h',
      utterances: [u('a', 'I miss my brother Anselm so much.')],
    };
    const { transcript } = deidentifyTranscript(t);
    const view = loadRegistry().view('wai-o-s', 'observer');
    const answer = (quote: string) => ({
      forms: [
        {
          instrument: 'wai-o-s',
          form: 'observer',
          items: view.items.map((it) => ({ item: it.id, value: 4, rationale: 'r', evidence: [] })),
        },
      ],
      signals: [
        {
          domain: 'relationship-quality',
          subSignal: 'trust',
          direction: 'strength',
          strength: 0.5,
          evidence: ['a'],
          quote,
        },
      ],
      ruptures: [],
    });
    expect(validateOutput(answer('I miss my brother [NAME_1]'), transcript, [view]).ok).toBe(true);
    expect(validateOutput(answer('I miss my brother Anselm'), transcript, [view]).ok).toBe(false);
  });
});
