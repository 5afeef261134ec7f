import { describe, expect, it } from 'vitest';
import { emptyHits, PhraseMatcher, phraseSteps, tokenize } from './phrase-matcher';
import { tokenHash } from './token-hash';

const matchAll = (m: PhraseMatcher, text: string) => {
  const h = m.match(tokenize(text), emptyHits());
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

  it('reads a word met before in other case or spelling as it read it the first time, hash included', () => {
    const first = tokenize('Dont you think so? DONT.');
    const again = tokenize('dont Dont dONT youre');
    expect(first.words).toEqual(["don't", 'you', 'think', 'so', "don't"]);
    expect(again.words).toEqual(["don't", "don't", "don't", "you're"]);
    expect(again.hashes).toEqual(again.words.map(tokenHash));
    expect(again.start).toEqual([0, 5, 10, 15]);
    // A cached word does not stand in for another one that starts like it.
    expect(tokenize('dont donut').words).toEqual(["don't", 'donut']);
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

describe('tokenize, the ASCII scanner against the Unicode pattern', () => {
  it('gives the same words, spans and hashes with and without a non-ASCII character in the text', () => {
    const ascii = "Don't you 'quote' me - it's rock'n'roll, 3.5 times; dont youre im ok' 'x Mm-hmm?";
    // The trailing "é" sends the text through the Unicode pattern; everything before it must tokenise alike.
    const a = tokenize(ascii);
    const u = tokenize(`${ascii} é`);
    expect(a.words).toEqual([
      "don't",
      'you',
      'quote',
      'me',
      "it's",
      "rock'n'roll",
      '3',
      '5',
      'times',
      "don't",
      "you're",
      "i'm",
      'ok',
      'x',
      'mm',
      'hmm',
    ]);
    expect(u.words.slice(0, -1)).toEqual(a.words);
    expect(u.start.slice(0, -1)).toEqual(a.start);
    expect(u.end.slice(0, -1)).toEqual(a.end);
    expect(u.hashes.slice(0, -1)).toEqual(a.hashes);
    expect(a.hashes).toEqual(a.words.map(tokenHash));
  });
});
