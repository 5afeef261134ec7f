import { describe, expect, it } from 'vitest';
import { emptyHits, PhraseMatcher, phraseSteps, tokenize } from './phrase-matcher';

const matchAll = (m: PhraseMatcher, text: string) => {
  const h = m.match(tokenize(text).words, emptyHits());
  return Array.from({ length: h.count }, (_, i) => [h.pattern[i], h.start[i], h.end[i]]);
};

describe('tokenize', () => {
  it('lower-cases, keeps inner apostrophes and gives character spans into the original text', () => {
    const text = 'So, YOU’RE feeling “stuck”?';
    const t = tokenize(text);
    expect(t.words).toEqual(['so', "you're", 'feeling', 'stuck']);
    expect(text.slice(t.start[1], t.end[1])).toBe('YOU’RE');
    expect(text.slice(t.start[3], t.end[3])).toBe('stuck');
  });

  it('reads unambiguous contractions written without the apostrophe, but leaves real words alone', () => {
    expect(tokenize('I dont know, im tired').words).toEqual(['i', "don't", 'know', "i'm", 'tired']);
    // "well", "were", "ill" are words: they must not turn into "we'll", "we're", "i'll".
    expect(tokenize('Well we were ill').words).toEqual(['well', 'we', 'were', 'ill']);
  });

  it('splits hyphenated fillers into words', () => {
    expect(tokenize('Mm-hmm. Uh-huh').words).toEqual(['mm', 'hmm', 'uh', 'huh']);
  });
});

describe('PhraseMatcher', () => {
  it('finds every phrase at every position, overlapping ones included', () => {
    const m = new PhraseMatcher();
    m.add('it sounds like', 0);
    m.add('sounds like', 1);
    m.add('like', 2);
    expect(matchAll(m, 'It sounds like you care.')).toEqual([
      [0, 0, 3],
      [1, 1, 3],
      [2, 2, 3],
    ]);
  });

  it('matches whole words only', () => {
    const m = new PhraseMatcher();
    m.add('goal', 0);
    expect(matchAll(m, 'The goalkeeper')).toEqual([]);
    expect(matchAll(m, 'Our goal.')).toEqual([[0, 1, 2]]);
  });

  it('supports "*" for any one word and "word*" for a prefix', () => {
    const m = new PhraseMatcher();
    m.add('you * feel*', 0);
    expect(matchAll(m, 'you really feeling')).toEqual([[0, 0, 3]]);
    expect(matchAll(m, 'you feel')).toEqual([]);
    expect(phraseSteps('so you feel*')).toEqual([
      { kind: 'word', word: 'so' },
      { kind: 'word', word: 'you' },
      { kind: 'prefix', prefix: 'feel' },
    ]);
  });

  it('refuses a phrase without words', () => {
    const m = new PhraseMatcher();
    expect(m.add(' ... ', 0)).toBe(false);
    expect(m.phrases).toBe(0);
  });
});
