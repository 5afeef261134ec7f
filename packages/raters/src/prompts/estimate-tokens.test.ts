import { describe, expect, it } from 'vitest';
import { estimateTokens } from './estimate-tokens';

describe('estimateTokens', () => {
  it('counts a common word as one token and punctuation separately', () => {
    expect(estimateTokens('Hello, world!')).toBe(4);
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('   ')).toBe(0);
  });

  it('keeps an apostrophe suffix with its word', () => {
    expect(estimateTokens("you're")).toBe(1);
    expect(estimateTokens("I don't know")).toBe(3);
  });

  it('splits long words, groups digits in threes and counts a run of line breaks once', () => {
    expect(estimateTokens('psychoeducational')).toBe(3);
    expect(estimateTokens('1234567')).toBe(3);
    expect(estimateTokens('a\n\n\nb')).toBe(3);
  });

  it('counts Chinese, Japanese and Korean characters one each', () => {
    expect(estimateTokens('治疗关系')).toBe(4);
  });

  it('lands near the usual four characters per token on English conversation', () => {
    const text =
      "So it sounds like the week has been harder than you expected, and you're not sure where to start. What would help most today?";
    const ratio = text.length / estimateTokens(text);
    expect(ratio).toBeGreaterThan(3.5);
    expect(ratio).toBeLessThan(5);
  });
});
