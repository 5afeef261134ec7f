const SENTENCE_END = /[.?!]/g;
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/** Quotes run from a match to the end of its sentence, but no further than this many words. */
export const QUOTE_MAX_WORDS = 14;

/**
 * A verbatim quote for a match at [from, to) in `text`: the match and the rest of its sentence, cut after
 * QUOTE_MAX_WORDS words. Always a substring of the text, so it passes the evidence check as it stands.
 */
export function quoteAt(text: string, from: number, to: number): string {
  SENTENCE_END.lastIndex = to;
  const stop = SENTENCE_END.exec(text);
  let end = stop ? stop.index : text.length;
  WORD.lastIndex = from;
  let count = 0;
  for (let m = WORD.exec(text); m !== null && m.index < end; m = WORD.exec(text)) {
    if (++count === QUOTE_MAX_WORDS) {
      end = Math.max(to, m.index + m[0].length);
      break;
    }
  }
  const q = text.slice(from, end).trim();
  return q || text.slice(from, to);
}

/** The opening words of an utterance, for evidence that rests on the utterance as a whole (its length). */
export function openingQuote(text: string): string {
  const start = text.search(/\S/);
  if (start < 0) return text;
  WORD.lastIndex = start;
  let end = text.length;
  let count = 0;
  for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) {
    if (++count === QUOTE_MAX_WORDS) {
      end = m.index + m[0].length;
      break;
    }
  }
  return text.slice(start, end).trim();
}
