/**
 * 32-bit FNV-1a hashes of words, shared by the phrase trie and the utterance coder: an utterance's words are
 * hashed once while it is tokenised, and both read those integers instead of comparing or re-hashing strings.
 */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** FNV-1a over the characters of `s` from state `h`. */
export function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/** The hash of one word (or punctuation token), as tokenize stores it. */
export const tokenHash = (s: string): number => fnv(FNV_OFFSET, s) | 0;
