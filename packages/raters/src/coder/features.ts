import { type Tokens, tokenize } from '../lexicon/phrase-matcher';
import { FNV_OFFSET, FNV_PRIME, fnv, tokenHash } from '../lexicon/token-hash';
import { EMPATHY_OPENINGS, FEELING_WORDS, INPUT_PHRASES, STOP_HASHES } from './word-lists';

/**
 * The utterance coder's features, shared by training (scripts/train-coder.ts) and coding so that the two can
 * never drift apart. Every feature is a short readable string such as `w|sounds` (a word), `b|you feel` (two
 * words), `pb|right ?` (a word and the punctuation after it), `pf2|i guess` (how the other speaker's utterance
 * before opened), `ov|3` (how much of the client's last words the therapist says back). The weights file keys its
 * weights by these strings. (Character n-grams and the previous utterance's words were tried and left out: on
 * AnnoMI they let the model memorise transcripts, and held-out reflection and question F1 fell.)
 *
 * Coding does not build the strings. A feature's hash is its kind's seed mixed with the tokenHash of its one or
 * two parts (`featureHash` splits a string the same way), and tokenize has hashed every word already, so coding
 * an utterance mixes integers and probes a table: no string is built, hashed twice or compared.
 */

const KINDS = [
  'bias',
  'w',
  'b',
  'f1',
  'f2',
  'l1',
  'end',
  'len',
  'pf1',
  'pf2',
  'pend',
  'plen',
  'prole',
  'nf1',
  'nf2',
  'nlen',
  'ov',
  'ovp',
  'pcode',
  'sq',
  'sq2',
  'ls',
  'nq',
  'pb',
  'ns',
  'qsh',
  'pre',
  'lsl',
  'spe',
  'cont',
  'nse',
  'nsf',
  'emp',
  'emo',
  'inp',
] as const;
type Kind = (typeof KINDS)[number];
/** Kind ids: extract names a kind by a small integer so that coding reads its seed from an array, not a keyed map. */
const K = Object.fromEntries(KINDS.map((k, i) => [k, i])) as Record<Kind, number>;

/** murmur3's finaliser: spreads every input bit over the output. */
export function mix32(x: number): number {
  let h = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
const kindSeed = (kind: string): number => fnv(FNV_OFFSET, `${kind}|`) | 0;
const SEEDS = Int32Array.from(KINDS, kindSeed);
const hash1 = (seed: number, a: number): number => mix32(seed ^ a);
const hash2 = (seed: number, a: number, b: number): number => mix32(mix32(seed ^ a) ^ Math.imul(b, 0x27d4eb2f));

/** The hash of a feature string `kind|part` or `kind|part1 part2`, equal to the one coding computes. */
export function featureHash(feature: string): number {
  const bar = feature.indexOf('|');
  const seed = kindSeed(feature.slice(0, bar));
  const content = feature.slice(bar + 1);
  const space = content.indexOf(' ');
  return space < 0
    ? hash1(seed, tokenHash(content))
    : hash2(seed, tokenHash(content.slice(0, space)), tokenHash(content.slice(space + 1)));
}

/** The fixed parts features use besides words, by index (P_…), with their hashes computed once. */
const PARTS = [
  '',
  '<s>',
  '</s>',
  '<none>',
  '<e>',
  '?',
  '.',
  ',',
  '-',
  'adjacent',
  'gap',
  'none',
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
] as const;
const PART_HASH = Int32Array.from(PARTS, tokenHash);
const P_EMPTY = 0;
const P_BOS = 1;
const P_EOS = 2;
const P_NONE_TAG = 3;
const P_E = 4;
const P_Q = 5;
const P_DOT = 6;
const P_ADJACENT = 9;
const P_GAP = 10;
const P_NONE = 11;
const P_DIGIT = 12;
/** The part of each punctuation class of `gaps` (none, "?", ".", ",", "-"). */
const PUNCT_PART = [P_EMPTY, P_Q, P_DOT, 7, 8] as const;
const PUNCT = PUNCT_PART.map((p) => PARTS[p]);
const PUNCT_HASH = PUNCT_PART.map((p) => PART_HASH[p]!);

/** An utterance with the bits of it the features read, computed once per utterance and shared by neighbours. */
export interface Prepared {
  role: 'therapist' | 'client' | 'other';
  /** The lexicon's tokens, kept so that the lexicon reads the same utterance without tokenising it again. */
  tokens: Tokens;
  words: string[];
  /** tokenHash of each word (the tokens' own). */
  hashes: number[];
  question: boolean;
  /** tokenHash of each distinct stem of the content words, ascending. */
  content: number[];
  /** Sentences as word ranges with whether each ends in "?", flat: from, to, 1 or 0, then the next sentence. */
  sentences: number[];
  /** The punctuation before word k (k = words.length: after the last word), as an index into PUNCT. */
  gaps: number[];
}

/** Prepared utterances by position: an array, or a window that prepares them as coding reaches them. */
export interface PreparedList {
  at(i: number): Prepared | undefined;
}

/**
 * The utterances of a transcript prepared as they are asked for, keeping the last few: coding reads an utterance
 * with its three before and up to three after (the same speaker's next turn), so each utterance is prepared once
 * and its tokens die young (a transcript held whole while it is rated outlives the young generation, and V8 then
 * allocates such data in the old one).
 */
export class PreparedWindow implements PreparedList {
  private readonly slots: Prepared[] = new Array(WINDOW);
  private readonly index = new Int32Array(WINDOW).fill(-1);

  constructor(private readonly utterances: ReadonlyArray<{ role: Prepared['role']; text: string }>) {}

  at(i: number): Prepared | undefined {
    if (i < 0 || i >= this.utterances.length) return undefined;
    const s = i & (WINDOW - 1);
    if (this.index[s] !== i) {
      const u = this.utterances[i]!;
      this.slots[s] = prepare(u.role, u.text);
      this.index[s] = i;
    }
    return this.slots[s];
  }
}
const WINDOW = 8;

export function prepare(role: Prepared['role'], text: string): Prepared {
  const tokens = tokenize(text);
  const { words, hashes } = tokens;
  const n = words.length;
  if (stemScratch.length < n) stemScratch = new Int32Array(2 * n);
  let m = 0;
  for (let k = 0; k < n; k++) {
    const w = words[k]!;
    if (w.length > 2 && !STOP_HASHES.has(hashes[k]!)) m = insertUnique(stemScratch, m, stemHash(w, hashes[k]!));
  }
  const content = new Array<number>(m);
  for (let k = 0; k < m; k++) content[k] = stemScratch[k]!;
  const sentences: number[] = [];
  const gaps = new Array<number>(n + 1);
  gaps[0] = gapPunct(text, 0, n > 0 ? tokens.start[0]! : text.length);
  let from = 0;
  for (let k = 0; k < n; k++) {
    const gapEnd = k + 1 < n ? tokens.start[k + 1]! : text.length;
    const g = gapPunct(text, tokens.end[k]!, gapEnd);
    gaps[k + 1] = g;
    if (g === Q || g === STOP_MARK || k === n - 1) {
      sentences.push(from, k + 1, g === Q ? 1 : 0);
      from = k + 1;
    }
  }
  return { role, tokens, words, hashes, question: endsWithQuestion(text), content, sentences, gaps };
}

const Q = 1;
const STOP_MARK = 2;
const COMMA = 3;
const DASH = 4;

/**
 * Words without a question mark, sentence end, comma, colon or semicolon anywhere (dashes aside: a hyphenated
 * word splits at one): how chat and speech recognition without punctuation give an utterance.
 */
export function unpunctuated(u: Prepared): boolean {
  if (u.words.length === 0) return false;
  for (const g of u.gaps) if (g !== 0 && g !== DASH) return false;
  return true;
}

/** The text as an unpunctuated transcript gives it: no question marks, sentence ends, commas, colons or semicolons. */
export function withoutPunctuation(text: string): string {
  return text.replace(/[?.!,;:]+/g, ' ');
}

/** The strongest punctuation in text[from, to): a question mark over a sentence end over a comma over a dash. */
function gapPunct(text: string, from: number, to: number): number {
  let best = 0;
  for (let c = from; c < to; c++) {
    const ch = text.charCodeAt(c);
    if (ch === 63) return Q;
    if (ch === 46 || ch === 33) best = STOP_MARK;
    else if ((ch === 44 || ch === 59 || ch === 58) && best !== STOP_MARK) best = COMMA;
    else if ((ch === 45 || ch === 0x2014 || ch === 0x2013) && best === 0) best = DASH;
  }
  return best;
}

/** The hash of a crude stem (worry, worried, worrying read alike), enough for counting shared words. */
function stemHash(w: string, whole: number): number {
  const n = w.length;
  let cut = 0;
  if (n > 5 && w.endsWith('ing')) cut = 3;
  else if (n > 4 && w.endsWith('ed')) cut = 2;
  else if (n > 3 && w.endsWith('s') && !w.endsWith('ss')) cut = 1;
  if (cut === 0) return whole;
  let h = FNV_OFFSET;
  for (let i = 0; i < n - cut; i++) h = Math.imul(h ^ w.charCodeAt(i), FNV_PRIME);
  return h | 0;
}

let stemScratch = new Int32Array(1024);

/** Inserts x into the ascending xs[0, m) unless it is there; returns the new length. */
function insertUnique(xs: Int32Array, m: number, x: number): number {
  let k = m;
  while (k > 0 && xs[k - 1]! > x) k--;
  if (k > 0 && xs[k - 1] === x) return m;
  xs.copyWithin(k + 1, k, m);
  xs[k] = x;
  return m + 1;
}

/** How many values two ascending arrays share. */
function sharedCount(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! === b[j]!) {
      n++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return n;
}

/** Collects features either as hashes (coding) or as strings with their hashes (training). */
export class FeatureSink {
  hashes: Int32Array = new Int32Array(512);
  count = 0;
  strings: string[] | null;

  constructor(keepStrings = false) {
    this.strings = keepStrings ? [] : null;
  }

  reset(): void {
    this.count = 0;
    if (this.strings) this.strings.length = 0;
  }

  private push(h: number): void {
    if (this.count === this.hashes.length) {
      const grown = new Int32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.count++] = h;
  }

  /** A one-part feature: its part's tokenHash `a`, and the part itself (read only when training). */
  add(kind: number, a: number, text: string): void {
    this.push(hash1(SEEDS[kind]!, a));
    if (this.strings) this.strings.push(`${KINDS[kind]}|${text}`);
  }

  /** A two-part feature ("you feel"). */
  add2(kind: number, a: number, b: number, textA: string, textB: string): void {
    this.push(hash2(SEEDS[kind]!, a, b));
    if (this.strings) this.strings.push(`${KINDS[kind]}|${textA} ${textB}`);
  }

  /** A feature with a fixed part (a bucket, a mark such as "?"), by its index in PARTS. */
  fixed(kind: number, part: number): void {
    this.add(kind, PART_HASH[part]!, PARTS[part]!);
  }

  /** A feature whose part is a code name (the previous code), hashed as any word is. */
  code(kind: number, code: string | null): void {
    if (code === null) this.fixed(kind, P_NONE_TAG);
    else this.add(kind, codeHash(code), code);
  }
}

const codeHashes = new Map<string, number>();
function codeHash(code: string): number {
  let h = codeHashes.get(code);
  if (h === undefined) codeHashes.set(code, (h = tokenHash(code)));
  return h;
}

/** The length bucket of n words as an index into PARTS ("0" to "7"). */
const lengthBucket = (n: number): number => P_DIGIT + (n === 0 ? 0 : Math.min(7, Math.floor(Math.log2(n)) + 1));

/**
 * The features of utterance `i` among its neighbours: its own words and word pairs, the punctuation beside its
 * words (`pb|right ?`, `pb|, so`), how it and each of its questions open, how it ends, its length; the other
 * speaker's utterance before it (how it opens, whether it asked), how the next utterance opens (a client's "yeah,
 * exactly" after a reflection), how many of the other speaker's last content words it repeats, the code
 * given to the same speaker's previous utterance, and for a therapist the sentences of a long turn and how the
 * therapist's turns either side end and begin.
 */
export function extract(sink: FeatureSink, all: PreparedList, i: number, previousCode: string | null): void {
  sink.reset();
  const u = all.at(i)!;
  const w = u.words;
  const h = u.hashes;
  const n = w.length;
  sink.fixed(K.bias, P_EMPTY);
  for (let k = 0; k < n; k++) {
    sink.add(K.w, h[k]!, w[k]!);
    if (k === 0) sink.add2(K.b, PART_HASH[P_BOS]!, h[0]!, '<s>', w[0]!);
    else sink.add2(K.b, h[k - 1]!, h[k]!, w[k - 1]!, w[k]!);
  }
  if (n > 0) {
    sink.add2(K.b, h[n - 1]!, PART_HASH[P_EOS]!, w[n - 1]!, '</s>');
    sink.add(K.f1, h[0]!, w[0]!);
  } else sink.fixed(K.f1, P_EMPTY);
  if (n > 1) sink.add2(K.f2, h[0]!, h[1]!, w[0]!, w[1]!);
  if (n > 0) sink.add(K.l1, h[n - 1]!, w[n - 1]!);
  else sink.fixed(K.l1, P_EMPTY);
  sink.fixed(K.end, u.question ? P_Q : P_DOT);
  sink.fixed(K.len, lengthBucket(n));
  // Where in the utterance a question sits, and how it opens ("what ..." is open, "do you ..." closed).
  const sentences = u.sentences;
  let questions = 0;
  for (let s = 0; s < sentences.length; s += 3) {
    if (sentences[s + 2] === 0) continue;
    const from = sentences[s]!;
    questions++;
    sink.add(K.sq, h[from]!, w[from]!);
    if (sentences[s + 1]! - from > 1) sink.add2(K.sq2, h[from]!, h[from + 1]!, w[from]!, w[from + 1]!);
  }
  sink.fixed(K.nq, P_DIGIT + Math.min(questions, 2));
  if (sentences.length > 0) {
    const from = sentences[sentences.length - 3]!;
    const mark = sentences[sentences.length - 1] === 1 ? P_Q : P_DOT;
    sink.add2(K.ls, PART_HASH[mark]!, h[from]!, PARTS[mark], w[from]!);
  }

  // Punctuation inside the utterance, paired with the words beside it: a tag ("right?"), a comma after "so", a
  // dash where the speaker broke off.
  const gaps = u.gaps;
  for (let k = 1; k < n; k++) {
    const p = gaps[k]!;
    if (p === 0) continue;
    sink.add2(K.pb, h[k - 1]!, PUNCT_HASH[p]!, w[k - 1]!, PUNCT[p]!);
    sink.add2(K.pb, PUNCT_HASH[p]!, h[k]!, PUNCT[p]!, w[k]!);
  }
  if (n > 0) {
    const p = gaps[n]!;
    const mark = p === 0 ? P_E : PUNCT_PART[p]!;
    sink.add2(K.pb, h[n - 1]!, PART_HASH[mark]!, w[n - 1]!, PARTS[mark]);
  }

  const before = previousOther(all, i);
  if (before >= 0) {
    const p = all.at(before)!;
    sink.fixed(K.prole, i - before === 1 ? P_ADJACENT : P_GAP);
    const pw = p.words;
    if (pw.length > 0) sink.add(K.pf1, p.hashes[0]!, pw[0]!);
    else sink.fixed(K.pf1, P_EMPTY);
    if (pw.length > 1) sink.add2(K.pf2, p.hashes[0]!, p.hashes[1]!, pw[0]!, pw[1]!);
    sink.fixed(K.pend, p.question ? P_Q : P_DOT);
    sink.fixed(K.plen, lengthBucket(pw.length));
    // Saying back what the client just said is what a reflection is; a question seldom repeats as much.
    if (u.content.length > 0 && p.content.length > 0) {
      const shared = sharedCount(u.content, p.content);
      sink.fixed(K.ov, P_DIGIT + Math.min(5, Math.round((shared / u.content.length) * 5)));
      sink.fixed(K.ovp, P_DIGIT + Math.min(5, Math.round((shared / p.content.length) * 5)));
    } else sink.fixed(K.ov, P_NONE);
  } else sink.fixed(K.prole, P_NONE);

  const next = all.at(i + 1);
  if (next && next.role !== u.role) {
    const nw = next.words;
    if (nw.length > 0) sink.add(K.nf1, next.hashes[0]!, nw[0]!);
    else sink.fixed(K.nf1, P_EMPTY);
    if (nw.length > 1) sink.add2(K.nf2, next.hashes[0]!, next.hashes[1]!, nw[0]!, nw[1]!);
    sink.fixed(K.nlen, lengthBucket(nw.length));
  } else sink.fixed(K.nf1, P_NONE_TAG);
  sink.code(K.pcode, previousCode);
  if (u.role === 'therapist') therapistTurn(sink, all, i, questions);
}

/**
 * What only the therapist head reads (the client head was no better for it). Whether it opens a reflection of
 * feeling as such reflections often open, and whether it names a feeling. A long turn that informs and then
 * asks: how many sentences, how much of it the questions take, how far in the first one starts, how long the last
 * sentence is. A turn broken off by the client and taken up again ("…not thinking beyond the next-" / "Mm-hmm." /
 * "-kind of minute or so?"): how the therapist's turns either side end and begin, and, for a turn cut off and
 * continued, whether the continuation asks.
 */
function therapistTurn(sink: FeatureSink, all: PreparedList, i: number, questions: number): void {
  const u = all.at(i)!;
  const n = u.words.length;
  if (EMPATHY_OPENINGS.foundIn(u.hashes)) sink.fixed(K.emp, P_DIGIT + 1);
  if (u.hashes.some((x) => FEELING_WORDS.has(x))) sink.fixed(K.emo, P_DIGIT + 1);
  if (INPUT_PHRASES.foundIn(u.hashes)) sink.fixed(K.inp, P_DIGIT + 1);
  const sentences = u.sentences;
  const nSentences = sentences.length / 3;
  sink.fixed(K.ns, P_DIGIT + Math.min(nSentences, 5));
  if (questions > 0 && n > 0) {
    let questionWords = 0;
    let firstQuestion = -1;
    for (let s = 0; s < sentences.length; s += 3) {
      if (sentences[s + 2] === 0) continue;
      questionWords += sentences[s + 1]! - sentences[s]!;
      if (firstQuestion < 0) firstQuestion = sentences[s]!;
    }
    sink.fixed(K.qsh, P_DIGIT + Math.round((questionWords / n) * 5));
    sink.fixed(K.pre, lengthBucket(firstQuestion));
  }
  if (sentences.length > 0)
    sink.fixed(K.lsl, lengthBucket(sentences[sentences.length - 2]! - sentences[sentences.length - 3]!));

  const first = u.gaps[0]!;
  const same = sameSpeaker(all, i, -1);
  if (same >= 0) {
    const p = all.at(same)!;
    sink.fixed(K.spe, p.question ? P_Q : P_DOT);
    const end = p.gaps[p.words.length]!;
    sink.add2(K.cont, PUNCT_HASH[end]!, PUNCT_HASH[first]!, PUNCT[end]!, PUNCT[first]!);
  } else sink.fixed(K.spe, P_NONE);
  const later = sameSpeaker(all, i, 1);
  if (later >= 0) {
    const x = all.at(later)!;
    const end = u.gaps[n]!;
    const start = x.gaps[0]!;
    sink.add2(K.nse, PUNCT_HASH[end]!, PUNCT_HASH[start]!, PUNCT[end]!, PUNCT[start]!);
    if (end === DASH && start === DASH) sink.fixed(K.nsf, x.question ? P_Q : P_DOT);
  } else sink.fixed(K.nse, P_NONE);
}

/** The same speaker's nearest turn within three utterances before (step -1) or after (step 1), or -1. */
function sameSpeaker(all: PreparedList, i: number, step: -1 | 1): number {
  const role = all.at(i)!.role;
  for (let k = i + step; k !== i + 4 * step; k += step) {
    const x = all.at(k);
    if (!x) return -1;
    if (x.role === role) return k;
  }
  return -1;
}

/** The nearest earlier utterance of the other speaker (therapist ↔ client), or -1. */
function previousOther(all: PreparedList, i: number): number {
  const role = all.at(i)!.role;
  for (let k = i - 1; k >= 0 && k >= i - 3; k--) {
    const r = all.at(k)!.role;
    if (r !== role && r !== 'other') return k;
  }
  return -1;
}

function endsWithQuestion(text: string): boolean {
  for (let k = text.length - 1; k >= 0; k--) {
    const c = text[k]!;
    if (c === '?') return true;
    if (c !== ' ' && c !== '"' && c !== "'" && c !== ')' && c !== '”' && c !== '\n' && c !== '\t' && c !== '-')
      return false;
  }
  return false;
}
