import type { UtteranceCode } from '../coder/coder';
import type { RatableUtterance } from '../rater';
import type { MarkerDef } from './marker-file';
import type { MarkerSet } from './marker-set';
import { emptyHits, tokenize, type Hits, type Tokens } from './phrase-matcher';

/** Where one marker fired: utterance positions, and the character span of its first match in each. */
export interface Firings {
  utt: number[];
  from: number[];
  to: number[];
}

/** Everything the lexicon reads off a transcript; signals, ruptures and items are computed from this alone. */
export interface TranscriptAnalysis {
  utterances: readonly RatableUtterance[];
  words: number[];
  /** The utterance ends with a question mark. */
  question: boolean[];
  /**
   * The utterance is nothing but fillers ("Mm-hmm.", "Okay, yeah."): a backchannel, not a turn. Rates count
   * turns, because how often a transcriber splits talk at a backchannel says nothing about the relationship.
   */
  backchannel: boolean[];
  /** Indexed like the marker set's markers. */
  fired: Firings[];
  /** Per utterance, the markers that fired in it (marker indexes, ascending). */
  markersAt: ReadonlyArray<readonly number[]>;
  /** The utterance coder's code per utterance, when the marker set uses codes (null for "other" speakers). */
  codes: ReadonlyArray<UtteranceCode | null> | null;
}

/**
 * Finds every marker in every utterance. A marker counts once per utterance (its first valid match), so a rate
 * is "share of utterances showing the marker", which does not reward repeating a stock phrase.
 */
export function analyse(
  set: MarkerSet,
  utterances: readonly RatableUtterance[],
  codes: ReadonlyArray<UtteranceCode | null> | null = null,
  /** The utterances' tokens when the coder has made them already (the same tokenize), so no text is read twice. */
  tokenized: { at(i: number): { tokens: Tokens } | undefined } | null = null,
): TranscriptAnalysis {
  const run = new AnalysisRun(set, utterances, codes);
  for (let i = 0; i < utterances.length; i++)
    run.step(i, tokenized ? tokenized.at(i)!.tokens : tokenize(utterances[i]!.text));
  return run.result();
}

/**
 * The analysis one utterance at a time, in order, so that a caller can analyse each utterance as soon as it is
 * coded and let its tokens go: utterance i reads only its own tokens and the codes up to i.
 */
export class AnalysisRun {
  private readonly fired: Firings[];
  private readonly words: number[];
  private readonly question: boolean[];
  private readonly backchannel: boolean[];
  private readonly markersAt: Array<readonly number[]>;
  private readonly hits: Hits = emptyHits();
  // Per-utterance scratch, indexed by marker; `stamp` marks which entries belong to the current utterance.
  private readonly stamp: Int32Array;
  private readonly vetoed: Int32Array;
  private readonly firstHit: Int32Array;
  private readonly candidates: number[] = [];

  constructor(
    private readonly set: MarkerSet,
    private readonly utterances: readonly RatableUtterance[],
    private codes: ReadonlyArray<UtteranceCode | null> | null,
  ) {
    const n = utterances.length;
    this.fired = set.markers.map(() => ({ utt: [], from: [], to: [] }));
    this.words = new Array(n);
    this.question = new Array(n);
    this.backchannel = new Array(n);
    this.markersAt = new Array(n);
    this.stamp = new Int32Array(set.markers.length).fill(-1);
    this.vetoed = new Int32Array(set.markers.length).fill(-1);
    this.firstHit = new Int32Array(set.markers.length);
  }

  /** Analyses utterance i (after i - 1), given its tokens; `codes`, when given, holds the codes up to i. */
  step(i: number, tokens: Tokens, codes: ReadonlyArray<UtteranceCode | null> | null = this.codes): void {
    this.codes = codes;
    const { set, utterances, fired, words, question, backchannel, markersAt, hits, stamp, vetoed, firstHit } = this;
    const markers = set.markers;
    const candidates = this.candidates;
    const u = utterances[i]!;
    const text = u.text;
    question[i] = endsWithQuestion(text);
    words[i] = tokens.words.length;
    backchannel[i] = skipFillers(set, tokens, 0) === tokens.words.length;
    markersAt[i] = NONE;
    if (u.role !== 'therapist' && u.role !== 'client') return;
    const at = atScratch;
    at.length = 0;
    set.matchers[u.role].match(tokens, hits);
    const openings = set.usesOpenings ? sentenceOpenings(set, tokens, text) : null;
    candidates.length = 0;
    for (let h = 0; h < hits.count; h++) {
      const p = set.patternMarker[hits.pattern[h]!]!;
      if (p < 0) {
        vetoed[-p - 1] = i;
        continue;
      }
      if (stamp[p] !== i) {
        stamp[p] = i;
        firstHit[p] = -1;
        candidates.push(p);
      }
      if (firstHit[p] === -1 && valid(set, p, h, hits, tokens, text, utterances, i, question, openings, codes))
        firstHit[p] = h;
    }
    sortSmall(candidates);
    for (const m of candidates) {
      if (vetoed[m] === i) continue;
      const def = markers[m]!;
      let h = firstHit[m]!;
      if (def.whole && h >= 0 && !coversWhole(m, set, hits, tokens.words.length)) h = -1;
      if (h < 0) continue;
      const f = fired[m]!;
      f.utt.push(i);
      f.from.push(tokens.start[hits.start[h]!]!);
      f.to.push(tokens.end[hits.end[h]! - 1]!);
      at.push(m);
    }
    const c = codes?.[i];
    if (c) fireByCode(set, c, i, text, fired, at, tokens.words.length, utterances, question, codes!);
    if (at.length > 0) markersAt[i] = at.slice();
  }

  result(): TranscriptAnalysis {
    const { utterances, words, question, backchannel, fired, markersAt, codes } = this;
    return { utterances, words, question, backchannel, fired, markersAt, codes };
  }
}

/** The markers of an utterance where none fired, shared: most utterances show no marker. */
const NONE: readonly number[] = Object.freeze([]);
const atScratch: number[] = [];

/**
 * Markers fired by the utterance's code, where no phrase of theirs fired already. The evidence span is the
 * utterance's first sentence: a code is a judgement about the whole utterance, and its opening shows it.
 */
function fireByCode(
  set: MarkerSet,
  c: UtteranceCode,
  i: number,
  text: string,
  fired: Firings[],
  at: number[],
  words: number,
  all: readonly RatableUtterance[],
  question: boolean[],
  allCodes: ReadonlyArray<UtteranceCode | null>,
): void {
  let added = false;
  for (const { marker, codes } of set.codeMarkers) {
    if (set.markers[marker]!.speaker !== c.role) continue;
    if (!codes.has(c.code) && !(c.subcode !== null && codes.has(codeKey(c.code, c.subcode)))) continue;
    if (at.includes(marker) || !utteranceConditions(set.markers[marker]!, words, all, i, question, allCodes)) continue;
    const from = firstNonSpace(text);
    if (from < 0) continue;
    const end = sentenceEnd(text, from);
    const f = fired[marker]!;
    f.utt.push(i);
    f.from.push(from);
    f.to.push(end >= 0 ? end + 1 : text.trimEnd().length);
    at.push(marker);
    added = true;
  }
  if (added) sortSmall(at);
}

/** Insertion sort, ascending: the lists are a handful of marker ids, and Array#sort allocates on every call. */
function sortSmall(xs: number[]): void {
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i]!;
    let k = i;
    while (k > 0 && xs[k - 1]! > x) {
      xs[k] = xs[k - 1]!;
      k--;
    }
    xs[k] = x;
  }
}

const codeKeys = new Map<string, Map<string, string>>();

/** "code/subcode", built once per pair rather than once per utterance. */
function codeKey(code: string, subcode: string): string {
  let m = codeKeys.get(code);
  if (!m) codeKeys.set(code, (m = new Map()));
  let k = m.get(subcode);
  if (k === undefined) m.set(subcode, (k = `${code}/${subcode}`));
  return k;
}

function firstNonSpace(text: string): number {
  for (let c = 0; c < text.length; c++) if (!WHITESPACE.test(text[c]!)) return c;
  return -1;
}

const WHITESPACE = /\s/;

/** The position of the first ". ? !" at or after `from`, or -1. */
function sentenceEnd(text: string, from: number): number {
  for (let c = from; c < text.length; c++) {
    const ch = text.charCodeAt(c);
    if (ch === 46 || ch === 63 || ch === 33) return c;
  }
  return -1;
}

function valid(
  set: MarkerSet,
  m: number,
  h: number,
  hits: Hits,
  tokens: Tokens,
  text: string,
  all: readonly RatableUtterance[],
  i: number,
  question: boolean[],
  openings: Uint8Array | null,
  codes: ReadonlyArray<UtteranceCode | null> | null,
): boolean {
  const def = set.markers[m]!;
  const start = hits.start[h]!;
  if (def.within !== undefined && start >= def.within) return false;
  if (def.opening && !openings![start]) return false;
  if (!utteranceConditions(def, tokens.words.length, all, i, question, codes)) return false;
  if (def.mood !== 'any') {
    const q = sentenceIsQuestion(text, tokens.end[hits.end[h]! - 1]!);
    if (q !== (def.mood === 'question')) return false;
  }
  return true;
}

/** The conditions on the utterance as a whole (its length, what the other speaker said just before). */
function utteranceConditions(
  def: MarkerDef,
  words: number,
  all: readonly RatableUtterance[],
  i: number,
  question: boolean[],
  codes: ReadonlyArray<UtteranceCode | null> | null,
): boolean {
  if (def.maxWords !== undefined && words > def.maxWords) return false;
  if (def.minWords !== undefined && words < def.minWords) return false;
  if (def.after !== undefined) {
    const prev = all[i - 1];
    if (!prev || prev.role === all[i]!.role) return false;
    if (def.after === 'question' ? !question[i - 1] : codes?.[i - 1]?.code !== 'reflection') return false;
  }
  return true;
}

/** Whether the words are nothing but a sequence of this marker's phrases ("yeah, no, I guess"). */
function coversWhole(m: number, set: MarkerSet, hits: Hits, n: number): boolean {
  if (n === 0) return false;
  const reach = new Uint8Array(n + 1);
  reach[0] = 1;
  // Hits come in order of start position, so one pass propagates reachability left to right.
  for (let h = 0; h < hits.count; h++) {
    if (set.patternMarker[hits.pattern[h]!] !== m) continue;
    if (reach[hits.start[h]!]) reach[hits.end[h]!] = 1;
  }
  return reach[n] === 1;
}

/**
 * Word positions where a sentence opens once leading fillers are skipped: the first word of the utterance and
 * every word after a sentence end (". ? !"), moved past "okay", "so", "you know" and the like.
 */
let openingsScratch = new Uint8Array(256);

/** The result is a scratch buffer, valid until the next call; only positions 0…n are meaningful. */
function sentenceOpenings(set: MarkerSet, tokens: Tokens, text: string): Uint8Array {
  const n = tokens.words.length;
  if (openingsScratch.length < n + 1) openingsScratch = new Uint8Array(2 * (n + 1));
  const out = openingsScratch;
  out.fill(0, 0, n + 1);
  for (let j = 0; j < n; j++) {
    if (j > 0 && !hasSentenceEnd(text, tokens.end[j - 1]!, tokens.start[j]!)) continue;
    out[skipFillers(set, tokens, j)] = 1;
  }
  return out;
}

/** The first position at or after k that does not start a filler, skipping fillers one after another. */
function skipFillers(set: MarkerSet, tokens: Tokens, k: number): number {
  const { words, hashes } = tokens;
  const n = words.length;
  for (let skipped = true; skipped && k < n; ) {
    skipped = false;
    const candidates = set.fillersByFirst.get(hashes[k]!);
    if (candidates === undefined) break;
    for (const f of candidates) {
      if (k + f.length > n) continue;
      let same = true;
      for (let x = 0; x < f.length && same; x++) same = words[k + x] === f[x];
      if (same) {
        k += f.length;
        skipped = true;
        break;
      }
    }
  }
  return k;
}

function hasSentenceEnd(text: string, from: number, to: number): boolean {
  for (let c = from; c < to; c++) {
    const ch = text.charCodeAt(c);
    if (ch === 46 || ch === 63 || ch === 33) return true;
  }
  return false;
}

function endsWithQuestion(text: string): boolean {
  for (let k = text.length - 1; k >= 0; k--) {
    const c = text[k]!;
    if (c === '?') return true;
    if (c !== ' ' && c !== '"' && c !== "'" && c !== ')' && c !== '”' && c !== '\n' && c !== '\t') return false;
  }
  return false;
}

/** The sentence holding a match is a question when the first sentence end after the match is "?". */
function sentenceIsQuestion(text: string, from: number): boolean {
  const end = sentenceEnd(text, from);
  return end >= 0 && text.charCodeAt(end) === 63;
}
