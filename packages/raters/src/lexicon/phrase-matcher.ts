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

/** An utterance's words with their character spans in the original text. */
export interface Tokens {
  words: string[];
  start: number[];
  end: number[];
}

export function tokenize(text: string): Tokens {
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
  return { words, start, end };
}

interface TrieNode {
  next: Map<string, TrieNode>;
  any: TrieNode | null;
  prefixes: Array<[string, TrieNode]> | null;
  ends: number[] | null;
}

const node = (): TrieNode => ({ next: new Map(), any: null, prefixes: null, ends: null });

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
  private readonly root = node();
  private size = 0;

  /** Adds a phrase under a pattern id; returns false when the phrase has no words. */
  add(phrase: string, pattern: number): boolean {
    const steps = phraseSteps(phrase);
    if (steps.length === 0) return false;
    let n = this.root;
    for (const s of steps) {
      if (s.kind === 'word') {
        let c = n.next.get(s.word);
        if (!c) n.next.set(s.word, (c = node()));
        n = c;
      } else if (s.kind === 'any') {
        n = n.any ??= node();
      } else {
        n.prefixes ??= [];
        let entry = n.prefixes.find(([p]) => p === s.prefix);
        if (!entry) n.prefixes.push((entry = [s.prefix, node()]));
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
  match(words: readonly string[], out: Hits): Hits {
    out.count = 0;
    for (let i = 0; i < words.length; i++) this.walk(this.root, words, i, i, out);
    return out;
  }

  private walk(n: TrieNode, words: readonly string[], from: number, at: number, out: Hits): void {
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
    const c = n.next.get(w);
    if (c) this.walk(c, words, from, at + 1, out);
    if (n.any) this.walk(n.any, words, from, at + 1, out);
    if (n.prefixes)
      for (const [p, child] of n.prefixes) if (w.startsWith(p)) this.walk(child, words, from, at + 1, out);
  }
}
