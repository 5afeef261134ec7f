import type { RatableTranscript, RatableUtterance } from '../rater';
import { ratableHash } from '../run/run-transcripts';
import { fold, foldText, originalRange } from './fold';
import { type NlpSpan, nlpSpans } from './nlp-detector';
import {
  AFTER_DETERMINER,
  B,
  CAPITALISED,
  COMMON_WORDS,
  E,
  FIRST_NAMES,
  FIRST_WORD_NOT_NAME,
  GAZETTEER,
  HONORIFIC_NAME,
  INTRODUCED_LOWER,
  INTRODUCED_NAME,
  PATTERNS,
  PLACES,
  PLACE_AFTER,
  capitalise,
  escapeRegExp,
  notAName,
} from './rules';

/**
 * Bumped whenever detection changes, so a stored mapping and the cache keys of de-identified transcripts never
 * mix text de-identified by two different rule sets.
 */
export const DEIDENTIFY_VERSION = 'deid-2';

export const KINDS = ['NAME', 'PHONE', 'EMAIL', 'ADDRESS', 'DATE', 'AGE', 'PLACE'] as const;
export type IdentifierKind = (typeof KINDS)[number];

/** One placeholder and what it stands for. Stays in the study store; never sent, never logged. */
export interface Replacement {
  placeholder: string;
  kind: IdentifierKind;
  /** Every surface form replaced by this placeholder, in order of first appearance. */
  originals: string[];
}

export interface DeidentifyOptions {
  /** The study's privacy.names: replaced wherever they occur as whole words, in any letter case. */
  names?: readonly string[];
  /**
   * Whether the second detector (compromise's people and places) runs beside the list and the patterns. On by
   * default; off only to measure what each detector adds (see labelled-set.test.ts).
   */
  nlp?: boolean;
}

export interface Deidentified {
  utterances: RatableUtterance[];
  mapping: Replacement[];
}

export interface Span {
  start: number;
  end: number;
  kind: IdentifierKind;
  /** The text the placeholder stands for; for names from the study's list, the list entry. */
  key: string;
  surface: string;
  priority: number;
}

/**
 * Replaces identifiers in every utterance with placeholders that are consistent across the transcript
 * ([NAME_1] is the same person wherever it appears), and returns the mapping for the study store. Detection:
 *
 * - the study's name list (whole words, any case; a multi-word entry's parts count as the same person);
 * - e-mail addresses, phone numbers, street addresses and postcodes, dates (numeric, day with month, month with
 *   year), ages (the number in "34 years old", "I'm 34", "aged 34");
 * - names: a capitalised word after an honorific ("Dr. Lee") or after "my name is", "I'm", "call me", "this is";
 *   a capitalised word inside a sentence unless it is one of the listed non-names (days, months, nationalities,
 *   religions, acronyms, brands, family terms...); a capitalised word opening a sentence only when it is a common
 *   first name or was found as a name elsewhere in the transcript (opening words are capitalised anyway);
 * - places: the gazetteer, and capitalised words after "in", "at", "from", "near", "lives in" and the like.
 *
 * It errs towards replacing: an unknown proper noun inside a sentence is replaced as a name. Text that carries no
 * identifier comes back unchanged, character for character.
 */
export function deidentifyUtterances(
  utterances: readonly RatableUtterance[],
  opts: DeidentifyOptions = {},
): Deidentified {
  const { texts, spans: spansByUtterance } = detectSpans(utterances, opts);

  const placeholders = new Map<string, Replacement>();
  const counters = new Map<IdentifierKind, number>();
  const placeholderFor = (s: Span): Replacement => {
    // Keyed by the text alone: a word read as a place in one sentence and a name in another is one placeholder.
    const key = foldText(s.key).replace(/\s+/g, ' ');
    let r = placeholders.get(key);
    if (!r) {
      // A single word already seen as part of a longer name of the same kind is that name ("Jane" after "Jane Doe").
      if (s.kind === 'NAME' && !/\s/.test(s.key)) {
        for (const [k, v] of placeholders) if (v.kind === 'NAME' && k.split(' ').includes(foldText(s.key))) r = v;
      }
      if (!r) {
        const n = (counters.get(s.kind) ?? 0) + 1;
        counters.set(s.kind, n);
        r = { placeholder: `[${s.kind}_${n}]`, kind: s.kind, originals: [] };
      }
      placeholders.set(key, r);
    }
    if (!r.originals.includes(s.surface)) r.originals.push(s.surface);
    return r;
  };

  const out = utterances.map((u, i) => {
    const spans = spansByUtterance[i]!;
    if (spans.length === 0) return u;
    const source = texts[i]!;
    let text = '';
    let at = 0;
    for (const s of spans) {
      text += source.slice(at, s.start) + placeholderFor(s).placeholder;
      at = s.end;
    }
    return { ...u, text: text + source.slice(at) };
  });
  return { utterances: out, mapping: [...new Set(placeholders.values())] };
}

/**
 * What would be replaced, per utterance: the NFC form of its text (the offsets refer to it) and the kept spans in
 * order. Text is normalised first because a decomposed "Núñez" (n, u, combining acute, …) splits at the mark, and
 * a fragment of the name would survive.
 */
export function detectSpans(
  utterances: readonly RatableUtterance[],
  opts: DeidentifyOptions = {},
): { texts: string[]; spans: Span[][] } {
  const list = nameList(opts.names ?? []);
  const texts = utterances.map((u) => u.text.normalize('NFC'));
  const nlp = (opts.nlp ?? true) ? nlpSpans(texts) : null;
  // First pass: names found by context anywhere, so the same name opening a sentence elsewhere is caught too.
  const found = new Set<string>();
  const perUtterance = texts.map((t, i) => detect(t, list, null, nlp?.[i]));
  for (const spans of perUtterance)
    for (const s of spans)
      if (s.kind === 'NAME' && s.priority > 5 && s.priority < 9) for (const w of s.surface.split(/\s+/)) found.add(w);
  const raw = found.size ? texts.map((t, i) => detect(t, list, found, nlp?.[i])) : perUtterance;
  return { texts, spans: raw.map(resolve) };
}

/** A transcript with de-identified utterances and the content hash of what a rater will now see. */
export function deidentifyTranscript(
  t: RatableTranscript,
  opts: DeidentifyOptions = {},
): { transcript: RatableTranscript; mapping: Replacement[] } {
  const { utterances, mapping } = deidentifyUtterances(t.utterances, opts);
  return { transcript: { ...t, utterances, contentHash: ratableHash(utterances) }, mapping };
}

interface NameList {
  re: RegExp | null;
  /** Lower-cased entry or entry part to the entry it belongs to. */
  entryOf: Map<string, string>;
}

/** The study's names, folded (case and accents aside), each part pointing at its whole entry. */
function nameList(names: readonly string[]): NameList {
  const entryOf = new Map<string, string>();
  for (const raw of names) {
    const entry = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
    if (!entry) continue;
    if (!entryOf.has(foldText(entry))) entryOf.set(foldText(entry), entry);
    for (const part of entry.split(' '))
      if (part.length > 1 && !entryOf.has(foldText(part))) entryOf.set(foldText(part), entry);
  }
  if (entryOf.size === 0) return { re: null, entryOf };
  const alternatives = [...entryOf.keys()]
    .sort((a, b) => b.length - a.length)
    .map((n) => escapeRegExp(n).replace(/ /g, '\\s+'));
  return { re: new RegExp(`${B}(?:${alternatives.join('|')})${E}`, 'gu'), entryOf };
}

function detect(text: string, list: NameList, known: Set<string> | null, nlp: NlpSpan[] | undefined): Span[] {
  const spans: Span[] = [];
  PATTERNS.forEach(({ kind, re }, priority) => {
    for (const m of text.matchAll(re)) {
      // Ages replace only the number (the pattern's one captured group), so "[AGE_1] years old" still reads as an age.
      const g = m.indices!.findIndex((ix, k) => k > 0 && ix !== undefined);
      const [start, end] = g > 0 ? m.indices![g]! : [m.index!, m.index! + m[0].length];
      const surface = text.slice(start, end);
      spans.push({ start, end, kind, key: surface, surface, priority });
    }
  });
  const folded = list.re ? fold(text) : null;
  if (list.re && folded) {
    for (const m of folded.folded.matchAll(list.re)) {
      const entry = list.entryOf.get(m[0].replace(/\s+/g, ' ')) ?? m[0];
      const [start, end] = originalRange(folded, m.index!, m.index! + m[0].length, text);
      spans.push({ start, end, kind: 'NAME', key: entry, surface: text.slice(start, end), priority: 5 });
    }
  }
  for (const m of text.matchAll(HONORIFIC_NAME)) pushGroup(spans, m, 'NAME', 6);
  for (const m of text.matchAll(INTRODUCED_NAME)) {
    const name = trimNotNames(m[1]!);
    if (name && !FIRST_WORD_NOT_NAME.test(name)) pushGroup(spans, m, 'NAME', 6, name);
  }
  for (const m of text.matchAll(INTRODUCED_LOWER))
    if (!COMMON_WORDS.has(m[1]!) && !FIRST_WORD_NOT_NAME.test(capitalise(m[1]!))) pushGroup(spans, m, 'NAME', 6);
  const byFold = folded ?? fold(text);
  for (const m of byFold.folded.matchAll(GAZETTEER)) {
    const [start, end] = originalRange(byFold, m.index!, m.index! + m[0].length, text);
    const surface = text.slice(start, end);
    if (!/\s/.test(m[0]) && COMMON_WORDS.has(m[0]) && !/^\p{Lu}/u.test(surface)) continue;
    spans.push({ start, end, kind: 'PLACE', key: surface, surface, priority: 7 });
  }
  for (const m of text.matchAll(PLACE_AFTER)) {
    const name = trimNotNames(m[1]!);
    if (!name) continue;
    const first = name.split(/\s+/)[0]!;
    pushGroup(spans, m, FIRST_NAMES.has(first) ? 'NAME' : 'PLACE', 7, name);
  }
  for (const run of capitalisedRuns(text)) {
    let words = run.words;
    if (sentenceInitial(text, run.starts[0]!)) {
      const first = words[0]!.replace(/['’]s$/, '');
      const isName = FIRST_NAMES.has(first) || (known?.has(first) ?? false);
      if (!isName) words = words.slice(1);
    }
    // Trailing and leading non-names ("Sarah Monday") are not part of the name.
    let a = run.words.length - words.length;
    let b = run.words.length;
    while (a < b && notAName(run.words[a]!) && !FIRST_NAMES.has(run.words[a]!)) a++;
    while (b > a && notAName(run.words[b - 1]!) && !FIRST_NAMES.has(run.words[b - 1]!)) b--;
    if (a >= b) continue;
    const start = run.starts[a]!;
    // A possessive stays outside the placeholder: "Sarah's" becomes "[NAME_1]'s", the same person as "Sarah".
    const lastWord = run.words[b - 1]!.replace(/['’]s$/, '');
    const end = run.starts[b - 1]! + lastWord.length;
    const surface = text.slice(start, end);
    if (PLACES.has(surface)) continue;
    spans.push({ start, end, kind: 'NAME', key: surface, surface, priority: 8 });
  }
  // Last in priority: where the rules above found something, their kind and extent stand.
  if (nlp)
    for (const n of nlp) {
      const surface = text.slice(n.start, n.end);
      const parts = surface.split(/\s+/);
      // compromise reads "Mom" or "God" as people; a span of only common or listed non-name words is not one.
      if (
        parts.every((w) => notAName(w) || notAName(capitalise(w))) &&
        !parts.some((w) => FIRST_NAMES.has(capitalise(w)))
      )
        continue;
      // "so much grace", "a will": a lower-case word after a determiner or quantifier is a noun, not a name.
      if (parts.length === 1 && /^\p{Ll}/u.test(surface) && AFTER_DETERMINER.test(text.slice(0, n.start))) continue;
      // A capitalised word the rules could only guess was a name ("went to Kyoto") takes compromise's PLACE.
      const guessed = spans.find((s) => s.priority === 8 && s.start === n.start && s.end === n.end);
      if (guessed && n.kind === 'PLACE') guessed.kind = 'PLACE';
      spans.push({ start: n.start, end: n.end, kind: n.kind, key: surface, surface, priority: 9 });
    }
  return spans;
}

function pushGroup(spans: Span[], m: RegExpMatchArray, kind: IdentifierKind, priority: number, name?: string): void {
  const surface = name ?? m[1]!;
  const start = m.index! + m[0].lastIndexOf(m[1]!);
  spans.push({ start, end: start + surface.length, kind, key: surface, surface, priority });
}

/** Drops listed non-names from the end of a captured name ("Sarah Monday" is Sarah). */
function trimNotNames(name: string): string {
  const parts = name.replace(/['’-]+$/, '').split(/\s+/);
  while (parts.length && notAName(parts[parts.length - 1]!) && !FIRST_NAMES.has(parts[parts.length - 1]!)) parts.pop();
  if (parts.length && notAName(parts[0]!) && !FIRST_NAMES.has(parts[0]!)) return '';
  return parts.join(' ');
}

/** Runs of capitalised words separated by single spaces ("Mary Ann Smith"). */
function capitalisedRuns(text: string): Array<{ words: string[]; starts: number[] }> {
  const runs: Array<{ words: string[]; starts: number[] }> = [];
  let last: { words: string[]; starts: number[]; end: number } | null = null;
  for (const m of text.matchAll(CAPITALISED)) {
    const w = m[0];
    if (w.length < 2) continue;
    const start = m.index!;
    if (last && start === last.end + 1 && text[last.end] === ' ') {
      last.words.push(w);
      last.starts.push(start);
      last.end = start + w.length;
    } else {
      last = { words: [w], starts: [start], end: start + w.length };
      runs.push(last);
    }
  }
  return runs;
}

/** Whether a word opens a sentence: nothing but spaces, quotes, dashes or brackets since the last sentence end. */
function sentenceInitial(text: string, at: number): boolean {
  for (let i = at - 1; i >= 0; i--) {
    const c = text[i]!;
    if (c === '.' || c === '?' || c === '!' || c === '\n') return true;
    if (!' \t"“”\'‘’(-–—[:'.includes(c)) return false;
  }
  return true;
}

/** Keeps the winning span where spans overlap: higher priority first, then the longer one. */
function resolve(spans: Span[]): Span[] {
  const ordered = [...spans].sort(
    (a, b) => a.priority - b.priority || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: Span[] = [];
  for (const s of ordered) if (!kept.some((k) => s.start < k.end && k.start < s.end)) kept.push(s);
  return kept.sort((a, b) => a.start - b.start);
}
