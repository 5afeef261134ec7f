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

/** Between utterances: a paragraph break, so the tagger never reads two turns as one sentence. */
const SEP = '.\n\n';

/**
 * People and places in each text. The texts go to the tagger as one document, since its cost is mostly per call
 * (a 300-turn transcript: about a third of the time of one call per turn); a span is kept only inside one text.
 */
export function nlpSpans(texts: readonly string[]): NlpSpan[][] {
  const starts: number[] = [];
  let at = 0;
  for (const t of texts) {
    starts.push(at);
    at += t.length + SEP.length;
  }
  const out: NlpSpan[][] = texts.map(() => []);
  if (texts.length === 0) return out;
  const doc = load()(texts.join(SEP));
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
    let i = starts.length - 1;
    while (i > 0 && starts[i]! > start) i--;
    if (end <= start || end > starts[i]! + texts[i]!.length) return;
    out[i]!.push({ start: start - starts[i]!, end: end - starts[i]!, kind });
  };
  const opts = { offset: true, terms: { offset: true } };
  for (const m of doc.people().json(opts) as Array<{ terms: Term[] }>) add('NAME', m.terms);
  for (const m of doc.places().json(opts) as Array<{ terms: Term[] }>) add('PLACE', m.terms);
  return out;
}
