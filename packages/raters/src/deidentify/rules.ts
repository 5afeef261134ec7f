import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IdentifierKind } from './deidentify';
import { foldText } from './fold';

/** The detection rules as data: word lists, patterns and the regular expressions built from them. */

interface WordLists {
  honorifics: string[];
  firstNames: string[];
  places: string[];
  notNames: string[];
  commonWords: string[];
}

export const LISTS = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'word-lists.json'), 'utf8'),
) as WordLists;
export const FIRST_NAMES = new Set(LISTS.firstNames);
export const NOT_NAMES = new Set([...LISTS.notNames, ...LISTS.honorifics]);
export const PLACES = new Set(LISTS.places);
export const COMMON_WORDS = new Set(LISTS.commonWords);

/**
 * A capitalised word that cannot be a name: a listed non-name, or a common word whatever its case, including
 * stammered forms ("It's-it's") and possessives.
 */
export function notAName(word: string): boolean {
  if (NOT_NAMES.has(word)) return true;
  const lower = word.toLowerCase().replace(/’/g, "'");
  return (
    COMMON_WORDS.has(lower) || COMMON_WORDS.has(lower.split('-')[0]!) || COMMON_WORDS.has(lower.replace(/'s$/, ''))
  );
}

export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export const words = (list: string[]) =>
  [...list]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');

// Letters (or a combining mark) on either side mean the match is inside a longer word.
export const L = '[\\p{L}\\p{M}\\p{N}]';
export const B = `(?<!${L})`;
export const E = `(?!${L})`;

export const MONTH =
  'Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?';
export const DAY = '\\d{1,2}(?:st|nd|rd|th)?';
export const STREET =
  'Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Close|Crescent|Parkway|Pkwy|Highway|Hwy|Square|Sq';
export const NAMED_STREET = 'Street|Avenue|Road|Boulevard|Lane|Drive|Terrace|Crescent|Parkway|Highway|Gardens';
export const ORDINARY_STREET_WORDS =
  'the|a|an|this|that|my|our|your|his|her|their|main|old|new|long|back|side|same|busy|quiet|country|dirt|high|open|down|up|end|wrong|right|next|whole|other|slip|private|public|toll|ring|bypass|access|service|on|off|to|of|in|at|by|from|across|along|cross|crossing|narrow|wide|empty|dark|winding|icy|wet';
export const NOT_AN_AGE =
  "%|percent|dollars?|pounds?|bucks|quid|euros?|kg|kilos?|lbs?|stone|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|drinks?|beers?|pints?|shots?|cigarettes?|cigs?|packs?|times?|pills?|mg|miles?|km|cans?|glasses|bottles?|units?|o'?clock|am|pm|a\\.m|p\\.m|of|out|feet|foot|inches|cm";

/** Detectors in priority order: where two overlap, the earlier kind wins, then the longer match. */
export const PATTERNS: Array<{ kind: IdentifierKind; re: RegExp }> = [
  { kind: 'EMAIL', re: new RegExp(`${B}[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}${E}`, 'gud') },
  {
    kind: 'PHONE',
    re: new RegExp(
      `${B}(?:\\+\\d{1,3}[\\s.-]?)?(?:\\(\\d{2,5}\\)[\\s.-]?|\\d{2,5}[\\s.-])\\d{3,4}[\\s.-]?\\d{3,4}${E}|${B}\\+?\\d{10,13}${E}`,
      'gud',
    ),
  },
  {
    kind: 'DATE',
    re: new RegExp(
      `${B}\\d{1,4}[/.-]\\d{1,2}[/.-]\\d{2,4}${E}` +
        `|${B}(?:${MONTH})\\.?\\s+${DAY}(?:,?\\s+\\d{4})?${E}` +
        `|${B}${DAY}\\s+(?:of\\s+)?(?:${MONTH})${E}(?:,?\\s+\\d{4}${E})?` +
        `|${B}(?:${MONTH})\\.?\\s+\\d{4}${E}`,
      // Any case: speech-to-text writes "june 5th"; a month word only counts beside a day or a year.
      'giud',
    ),
  },
  {
    kind: 'ADDRESS',
    re: new RegExp(
      `${B}\\d{1,5}[A-Za-z]?\\s+(?:[A-Z][\\p{L}'-]*\\s+){1,3}(?:${STREET})${E}\\.?(?:,?\\s*(?:Apt|Apartment|Unit|Suite|Flat)\\.?\\s*#?[\\p{L}\\p{N}]+)?` +
        `|${B}[A-Z]{1,2}\\d[A-Z\\d]?\\s*\\d[A-Z]{2}${E}|${B}[A-Z]{2}\\s+\\d{5}(?:-\\d{4})?${E}` +
        // A named street without a number ("Baker Street"): an address, never a person. Only the unambiguous
        // suffixes, so "Supreme Court" or "No Way" stay what they are.
        `|${B}(?:\\p{Lu}[\\p{L}'-]*\\s+){1,3}(?:${NAMED_STREET})${E}` +
        // In lower case ("oak avenue") only when the word before is no ordinary description ("the main road").
        `|${B}(?!(?:${ORDINARY_STREET_WORDS})\\s)\\p{Ll}[\\p{Ll}'-]+\\s+(?:${NAMED_STREET.toLowerCase()})${E}`,
      'gud',
    ),
  },
  {
    kind: 'AGE',
    re: new RegExp(
      `${B}(\\d{1,3})(?:\\s+|-)(?:years?|yrs?)(?:\\s+|-)old${E}|${B}(\\d{1,3})\\s*(?:yo|y/o|y\\.o\\.)${E}`,
      'giud',
    ),
  },
  {
    kind: 'AGE',
    re: new RegExp(
      `${B}(?:I'm|I’m|I am|he's|he’s|he is|she's|she’s|she is|they're|they’re|turned|turning|aged|age|at the age of)\\s+(\\d{1,3})${E}(?!\\s*(?:${NOT_AN_AGE})${E})(?![.,]\\d)`,
      'giud',
    ),
  },
];

export const HONORIFIC_NAME = new RegExp(
  `${B}(?:${words(LISTS.honorifics)})\\.?\\s+(\\p{Lu}[\\p{L}'’-]*(?:\\s+\\p{Lu}[\\p{L}'’-]*)?)`,
  'gu',
);
// Case-sensitive on purpose: the name must be capitalised, so only the lead-in's first letter may vary.
export const INTRODUCED_NAME = new RegExp(
  `${B}(?:[Mm]y name is|[Mm]y name's|[Mm]y name’s|[Ii]'m called|[Ii] am called|[Cc]all me|[Tt]his is|[Ii]'m|[Ii]’m|[Ii] am|[Ii]t's|[Ii]t’s)\\s+(\\p{Lu}[\\p{L}'’-]*(?:\\s+\\p{Lu}[\\p{L}'’-]*)?)`,
  'gu',
);
// In lower case, only after the lead-ins that introduce nothing but a name, and never before a common word.
export const INTRODUCED_LOWER = new RegExp(
  `${B}(?:my name is|my name's|my name’s|i'm called|i am called|call me)\\s+(\\p{Ll}[\\p{Ll}'’-]+)${E}`,
  'gu',
);
export const PLACE_AFTER = new RegExp(
  `${B}(?:in|at|from|near|around|outside|moved to|move to|moving to|live in|lives in|living in|grew up in)\\s+(\\p{Lu}[\\p{L}'’-]*(?:\\s+\\p{Lu}[\\p{L}'’-]*){0,2})`,
  'gu',
);
// Matched on folded text, so "sao paulo" meets "São Paulo"; a one-word place that is also a common word ("nice",
// "reading") must be capitalised to count.
export const GAZETTEER = new RegExp(`${B}(?:${words(LISTS.places.map(foldText))})${E}`, 'gu');
export const CAPITALISED =
  /(?<![\p{L}\p{M}\p{N}'’])\p{Lu}[\p{Ll}]*(?:\p{Lu}[\p{Ll}]+)*(?:['’-]\p{Lu}?[\p{Ll}]+)*(?![\p{L}\p{M}\p{N}])/gu;

export const AFTER_DETERMINER =
  /(?:^|[^\p{L}])(?:the|a|an|much|some|any|no|so|such|this|that|these|those|more|less|of|every|each|little)\s+$/iu;
export const capitalise = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

/** "I'm Sorry" or "this is Monday": the word after an introduction must be a possible name. */
export const FIRST_WORD_NOT_NAME = /^(?:I|A|An|The)\b/;
