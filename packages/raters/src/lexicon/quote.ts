const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/** Quotes run from a match to the end of its sentence, but no further than this many words. */
export const QUOTE_MAX_WORDS = 14;

/**
 * A verbatim quote for a match at [from, to) in `text`: the match and the rest of its sentence, cut after
 * QUOTE_MAX_WORDS words. Always a substring of the text, so it passes the evidence check as it stands.
 */
export function quoteAt(text: string, from: number, to: number): string {
  let end = text.length;
  for (let c = to; c < text.length; c++) {
    const ch = text.charCodeAt(c);
    if (ch === 46 || ch === 63 || ch === 33) {
      end = c;
      break;
    }
  }
  const cut = nthWordEnd(text, from, end);
  if (cut >= 0) end = Math.max(to, cut);
  const q = text.slice(from, end).trim();
  return q || text.slice(from, to);
}

/** The opening words of an utterance, for evidence that rests on the utterance as a whole (its length). */
export function openingQuote(text: string): string {
  const start = text.search(/\S/);
  if (start < 0) return text;
  const cut = nthWordEnd(text, start, text.length);
  return text.slice(start, cut >= 0 ? cut : text.length).trim();
}

/**
 * Where the QUOTE_MAX_WORDS-th word starting in [from, before) ends, or -1 when fewer words start there. Plain
 * ASCII is scanned by character; other text goes through the Unicode word pattern, which reads the same words.
 */
function nthWordEnd(text: string, from: number, before: number): number {
  let count = 0;
  let k = from;
  const n = text.length;
  while (k < n) {
    let c = text.charCodeAt(k);
    if (c > 127) return nthWordEndUnicode(text, from, before);
    if (!isAlnum(c)) {
      k++;
      continue;
    }
    if (k >= before) return -1;
    for (;;) {
      k++;
      if (k >= n) break;
      c = text.charCodeAt(k);
      if (isAlnum(c)) continue;
      if (c > 127) return nthWordEndUnicode(text, from, before);
      if (c === 39 && k + 1 < n && isAlnum(text.charCodeAt(k + 1))) continue;
      if (c === 39 && k + 1 < n && text.charCodeAt(k + 1) > 127) return nthWordEndUnicode(text, from, before);
      break;
    }
    if (++count === QUOTE_MAX_WORDS) return k;
  }
  return -1;
}

const isAlnum = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);

function nthWordEndUnicode(text: string, from: number, before: number): number {
  WORD.lastIndex = from;
  let count = 0;
  for (let m = WORD.exec(text); m !== null && m.index < before; m = WORD.exec(text))
    if (++count === QUOTE_MAX_WORDS) return m.index + m[0].length;
  return -1;
}
