import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, nearest } from './suggest';

describe('suggestions for a mistyped word', () => {
  it('measures edits and suggests only a plausible typo', () => {
    expect(editDistance('remoteProvider', 'remoteProviders')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(nearest('remoteProvider', ['name', 'remoteProviders', 'privacy'])).toBe('remoteProviders');
    expect(nearest('JSONMODE', ['jsonMode', 'remote'])).toBe('jsonMode');
    expect(nearest('zzzzzz', ['name', 'store'])).toBeUndefined();
    expect(didYouMean('wai-xx', ['wai-sr', 'srs'])).toBe('; did you mean "wai-sr"?');
    expect(didYouMean('qqq', [])).toBe('');
  });
});

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
