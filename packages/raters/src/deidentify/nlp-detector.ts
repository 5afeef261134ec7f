import { createRequire } from 'node:module';
import type nlpType from 'compromise';

/**
 * The second detector: compromise's people and places (a part-of-speech tagger with a lexicon of given names,
 * surnames and places). It finds what the capitalisation rules cannot: names and places in lower case, as
 * speech-to-text writes them ("aunt rosa", "sao paulo"). It is loaded on first use, synchronously (its CommonJS
 * build), so commands that never de-identify never pay for its lexicon.
 */
export interface NlpSpan {
  start: number;
  end: number;
  kind: 'NAME' | 'PLACE';
}

let nlp: typeof nlpType | undefined;
function load(): typeof nlpType {
  if (!nlp) {
    const mod = createRequire(import.meta.url)('compromise') as typeof nlpType & { default?: typeof nlpType };
    nlp = mod.default ?? mod;
  }
  return nlp;
}

interface Term {
  text: string;
  tags: string[];
  offset: { start: number; length: number };
}

/** Kinship terms and titles are tagged as part of a person ("aunt rosa"); the placeholder covers the name only. */
const NOT_PART_OF_NAME = new Set(['Actor', 'Honorific', 'Pronoun', 'Possessive', 'Determiner']);

export function nlpSpans(text: string): NlpSpan[] {
  const doc = load()(text);
  const spans: NlpSpan[] = [];
  const add = (kind: NlpSpan['kind'], terms: Term[]) => {
    let a = 0;
    let b = terms.length;
    while (a < b && terms[a]!.tags.some((t) => NOT_PART_OF_NAME.has(t))) a++;
    while (b > a && terms[b - 1]!.tags.some((t) => NOT_PART_OF_NAME.has(t))) b--;
    if (a >= b) return;
    const start = terms[a]!.offset.start;
    const last = terms[b - 1]!;
    // compromise counts a possessive 's as part of the term; it stays outside the placeholder, as elsewhere.
    const end = last.offset.start + last.text.replace(/['’]s$/, '').length;
    if (end > start) spans.push({ start, end, kind });
  };
  const opts = { offset: true, terms: { offset: true } };
  for (const m of doc.people().json(opts) as Array<{ terms: Term[] }>) add('NAME', m.terms);
  for (const m of doc.places().json(opts) as Array<{ terms: Term[] }>) add('PLACE', m.terms);
  return spans;
}
