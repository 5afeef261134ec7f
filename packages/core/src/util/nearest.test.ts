import { describe, expect, it } from 'vitest';
import { editDistance, nearest } from './nearest';

describe('nearest', () => {
  it('counts a swap of neighbours as one edit, case aside', () => {
    expect(editDistance('K10', 'K01')).toBe(1);
    expect(editDistance('totl', 'total')).toBe(1);
    expect(editDistance('Total', 'total')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests only a plausible typo', () => {
    expect(nearest('totl', ['bond', 'goal', 'task', 'total'])).toBe('total');
    expect(nearest('gtp', ['gpt', 'lexicon'])).toBe('gpt');
    expect(nearest('nope', ['bond', 'total'])).toBeUndefined();
    expect(nearest('x', [])).toBeUndefined();
  });
});
