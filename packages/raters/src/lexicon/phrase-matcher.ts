/**
 * Whole-word phrase matching over a word trie. Every phrase of every marker is compiled once into one trie per
 * speaker, so an utterance is tokenised once and each word position walks the trie: the cost grows with the
 * utterance, not with the number of phrases, and overlapping phrases of different markers all match.
 *
 * Words are letters and digits with inner apostrophes ("don't"); everything else separates words ("mm-hmm" is
 * "mm hmm"). Matching ignores case. Transcribers often drop the apostrophe, so the contractions that cannot be
 * mistaken for another word without it ("dont", "im", "youre") are read as written with one; "well", "were",
 * "ill", "its" and "id" are words in their own right and stay as they are.
 */
import { FNV_OFFSET, FNV_PRIME, fnv, tokenHash } from './token-hash';

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;
const CURLY = /’/g;

const CONTRACTIONS: ReadonlyMap<string, string> = new Map(
  [
    "don't",
    "doesn't",
    "didn't",
    "can't",
    "won't",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "haven't",
    "hasn't",
    "hadn't",
    "couldn't",
    "shouldn't",
    "wouldn't",
    "mustn't",
    "i'm",
    "i've",
    "you're",
    "you've",
    "you'd",
    "you'll",
    "they're",
    "they've",
    "we've",
    "that's",
    "what's",
    "there's",
    "let's",
    "how's",
    "where's",
    "who's",
    "she's",
    "he's",
    "it'll",
    "that'll",
    "y'all",
    "ain't",
  ].map((c) => [c.replace("'", ''), c]),
);

/** An utterance's words with their character spans in the original text, and each word's tokenHash. */
export interface Tokens {
  words: string[];
  start: number[];
  end: number[];
  hashes: number[];
}

/**
 * The words of a text. Plain ASCII text (nearly every transcript line) is scanned character by character, hashing
 * each word as it is read; text with other characters goes through the Unicode word pattern. Both give the same
 * words.
 */
export function tokenize(text: string): Tokens {
  const fast = scanAscii(text);
  if (fast) return fast;
  const lower = text.toLowerCase();
  // Offsets come from the lower-cased copy; they equal the original's unless lower-casing changed the length
  // (a few non-English letters), in which case each word is lower-cased on its own.
  const source = lower.length === text.length ? lower : text;
  const words: string[] = [];
  const start: number[] = [];
  const end: number[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(source); m !== null; m = WORD.exec(source)) {
    let w = source === lower ? m[0] : m[0].toLowerCase();
    if (w.includes('’')) w = w.replace(CURLY, "'");
    else if (!w.includes("'")) w = CONTRACTIONS.get(w) ?? w;
    words.push(w);
    start.push(m.index);
    end.push(m.index + m[0].length);
  }
  const hashes = words.map(tokenHash);
  return { words, start, end, hashes };
}

const APOSTROPHE = 39;
/** A lower-case ASCII letter or digit, for a character code already lower-cased. */
const isAlnum = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
/** ASCII upper case to lower case; every other code as it is. */
const lowerCode = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);

/** Word hashes while scanning; an utterance has fewer words than characters. */
let scratch = new Int32Array(1024);
let starts = new Int32Array(1024);
let ends = new Int32Array(1024);
const wordScratch: string[] = [];

/**
 * Words already read, by the hash of their characters as written (lower-cased): the word itself (a contraction
 * restored), and its hash. Talk repeats a small vocabulary, so nearly every word of a transcript is found here
 * and no string is built for it; the cache stops growing at CACHE_LIMIT words.
 */
const wordCache = new Map<number, { raw: string; word: string; hash: number }>();
const CACHE_LIMIT = 50_000;

/** Whether text[from, to), lower-cased, is `raw`. */
function sameChars(text: string, from: number, to: number, raw: string): boolean {
  if (raw.length !== to - from) return false;
  for (let i = 0; i < raw.length; i++) if (lowerCode(text.charCodeAt(from + i)) !== raw.charCodeAt(i)) return false;
  return true;
}

/** The ASCII scanner; null as soon as a character above 127 shows up (the caller then uses the pattern). */
function scanAscii(text: string): Tokens | null {
  const n = text.length;
  if (scratch.length < n) {
    scratch = new Int32Array(2 * n);
    starts = new Int32Array(2 * n);
    ends = new Int32Array(2 * n);
  }
  let count = 0;
  let k = 0;
  while (k < n) {
    let c = lowerCode(text.charCodeAt(k));
    if (c > 127) return null;
    if (!isAlnum(c)) {
      k++;
      continue;
    }
    const from = k;
    let h = FNV_OFFSET;
    let apostrophe = false;
    for (;;) {
      h = Math.imul(h ^ c, FNV_PRIME);
      k++;
      if (k >= n) break;
      c = lowerCode(text.charCodeAt(k));
      if (isAlnum(c)) continue;
      if (c > 127) return null;
      // An inner apostrophe joins ("don't"); one not followed by a letter or digit ends the word.
      if (c === APOSTROPHE && k + 1 < n && isAlnum(lowerCode(text.charCodeAt(k + 1)))) {
        apostrophe = true;
        continue;
      }
      if (c === APOSTROPHE && k + 1 < n && text.charCodeAt(k + 1) > 127) return null;
      break;
    }
    const rawHash = h | 0;
    const known = wordCache.get(rawHash);
    if (known !== undefined && sameChars(text, from, k, known.raw)) {
      wordScratch[count] = known.word;
      scratch[count] = known.hash;
    } else {
      const raw = text.slice(from, k).toLowerCase();
      let w = raw;
      if (!apostrophe) {
        const full = CONTRACTIONS.get(w);
        if (full !== undefined) {
          w = full;
          h = fnv(FNV_OFFSET, w);
        }
      }
      if (known === undefined && wordCache.size < CACHE_LIMIT) wordCache.set(rawHash, { raw, word: w, hash: h | 0 });
      wordScratch[count] = w;
      scratch[count] = h | 0;
    }
    starts[count] = from;
    ends[count++] = k;
  }
  // Exact-size plain arrays: an utterance's tokens live as long as its transcript is rated, and a small typed
  // array costs several times its contents in object headers.
  const words = wordScratch.slice(0, count);
  wordScratch.length = 0;
  const start = new Array<number>(count);
  const end = new Array<number>(count);
  const hashes = new Array<number>(count);
  for (let j = 0; j < count; j++) {
    start[j] = starts[j]!;
    end[j] = ends[j]!;
    hashes[j] = scratch[j]!;
  }
  return { words, start, end, hashes };
}

interface TrieNode {
  /** Children by the tokenHash of their word; `word` is checked too, so a hash collision never matches. */
  next: Map<number, TrieNode>;
  word: string;
  any: TrieNode | null;
  prefixes: Array<[string, TrieNode]> | null;
  ends: number[] | null;
}

const node = (word: string): TrieNode => ({ next: new Map(), word, any: null, prefixes: null, ends: null });

/** A phrase step: an exact word, any one word ("*"), or a word starting with a prefix ("feel*"). */
type Step = { kind: 'word'; word: string } | { kind: 'any' } | { kind: 'prefix'; prefix: string };

export function phraseSteps(phrase: string): Step[] {
  const steps: Step[] = [];
  for (const part of phrase.trim().split(/\s+/)) {
    if (part === '*') {
      steps.push({ kind: 'any' });
    } else if (part.endsWith('*')) {
      const words = tokenize(part.slice(0, -1)).words;
      words.slice(0, -1).forEach((word) => steps.push({ kind: 'word', word }));
      const last = words[words.length - 1];
      if (last !== undefined) steps.push({ kind: 'prefix', prefix: last });
    } else {
      for (const word of tokenize(part).words) steps.push({ kind: 'word', word });
    }
  }
  return steps;
}

/** Matches found in one utterance: pattern id with the word range [start, end). Reused between calls. */
export interface Hits {
  count: number;
  pattern: number[];
  start: number[];
  end: number[];
}

export function emptyHits(): Hits {
  return { count: 0, pattern: [], start: [], end: [] };
}

export class PhraseMatcher {
  private readonly root = node('');
  private size = 0;

  /** Adds a phrase under a pattern id; returns false when the phrase has no words. */
  add(phrase: string, pattern: number): boolean {
    const steps = phraseSteps(phrase);
    if (steps.length === 0) return false;
    let n = this.root;
    for (const s of steps) {
      if (s.kind === 'word') {
        const h = tokenHash(s.word);
        let c = n.next.get(h);
        if (c && c.word !== s.word)
          throw new RangeError(`phrase words "${c.word}" and "${s.word}" share a hash; rename one`);
        if (!c) n.next.set(h, (c = node(s.word)));
        n = c;
      } else if (s.kind === 'any') {
        n = n.any ??= node('');
      } else {
        n.prefixes ??= [];
        let entry = n.prefixes.find(([p]) => p === s.prefix);
        if (!entry) n.prefixes.push((entry = [s.prefix, node('')]));
        n = entry[1];
      }
    }
    (n.ends ??= []).push(pattern);
    this.size++;
    return true;
  }

  get phrases(): number {
    return this.size;
  }

  /** Every match of every phrase in the words, overlapping ones included, in order of start position. */
  match(tokens: Pick<Tokens, 'words' | 'hashes'>, out: Hits): Hits {
    out.count = 0;
    const { words, hashes } = tokens;
    const root = this.root;
    // Most words start no phrase: one probe of the root's children decides, without a recursive call.
    const plainRoot = root.any === null && root.prefixes === null && root.ends === null;
    for (let i = 0; i < words.length; i++) {
      if (plainRoot) {
        const c = root.next.get(hashes[i]!);
        if (c !== undefined && c.word === words[i]) this.walk(c, words, hashes, i, i + 1, out);
      } else this.walk(root, words, hashes, i, i, out);
    }
    return out;
  }

  private walk(
    n: TrieNode,
    words: readonly string[],
    hashes: readonly number[],
    from: number,
    at: number,
    out: Hits,
  ): void {
    if (n.ends) {
      for (const p of n.ends) {
        out.pattern[out.count] = p;
        out.start[out.count] = from;
        out.end[out.count] = at;
        out.count++;
      }
    }
    if (at >= words.length) return;
    const w = words[at]!;
    const c = n.next.get(hashes[at]!);
    if (c !== undefined && c.word === w) this.walk(c, words, hashes, from, at + 1, out);
    if (n.any) this.walk(n.any, words, hashes, from, at + 1, out);
    if (n.prefixes)
      for (const [p, child] of n.prefixes) if (w.startsWith(p)) this.walk(child, words, hashes, from, at + 1, out);
  }
}
