import { describe, expect, it } from 'vitest';
import { openingQuote, QUOTE_MAX_WORDS, quoteAt } from './quote';

const words = (n: number, sep = ' ') => Array.from({ length: n }, (_, i) => `w${i}`).join(sep);

describe('quotes', () => {
  it('run from the match to the end of its sentence', () => {
    const text = 'Okay. It sounds like you feel stuck. What now?';
    expect(quoteAt(text, 6, 15)).toBe('It sounds like you feel stuck');
  });

  it('stop after the last allowed word, in plain text and in text with other letters alike', () => {
    const plain = `${words(QUOTE_MAX_WORDS + 6)}.`;
    const cut = words(QUOTE_MAX_WORDS);
    expect(quoteAt(plain, 0, 2)).toBe(cut);
    expect(openingQuote(`  ${plain}`)).toBe(cut);
    // The same words with an accented letter and a curly apostrophe in them are counted the same way.
    const unicode = `café don’t ${words(QUOTE_MAX_WORDS + 4)}.`;
    expect(quoteAt(unicode, 0, 4)).toBe(`café don’t ${words(QUOTE_MAX_WORDS - 2)}`);
    expect(openingQuote(unicode)).toBe(`café don’t ${words(QUOTE_MAX_WORDS - 2)}`);
    // Inner apostrophes join a word; punctuation between words does not count as one.
    const joined = `${words(QUOTE_MAX_WORDS - 1, ', ')} don't stop here`;
    expect(openingQuote(joined)).toBe(`${words(QUOTE_MAX_WORDS - 1, ', ')} don't`);
  });

  it('keep the whole match even past the word limit', () => {
    const text = words(QUOTE_MAX_WORDS + 4);
    expect(quoteAt(text, 0, text.length)).toBe(text);
  });
});
