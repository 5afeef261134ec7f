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
