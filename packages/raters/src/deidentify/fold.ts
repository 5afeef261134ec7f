/**
 * Text folded for matching: lower case, accents removed, so "Núñez", "NUNEZ" and a decomposed "Nún̈ez" typed by
 * another keyboard all meet the same list entry. `at[i]` is where folded character i came from in the original,
 * `at[folded.length]` the original's length, so a match on the folded text maps back to exact original offsets.
 */
export interface Folded {
  folded: string;
  at: number[];
}

export function fold(text: string): Folded {
  let folded = '';
  const at: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = foldChar(ch);
    for (let k = 0; k < f.length; k++) at.push(i);
    folded += f;
    i += ch.length;
  }
  at.push(text.length);
  return { folded, at };
}

/** A folded string on its own, for keys and list entries. */
export const foldText = (s: string): string => fold(s).folded;

const MARKS = /\p{M}/gu;
const cache = new Map<string, string>();

function foldChar(ch: string): string {
  if (ch.charCodeAt(0) < 0x80) return ch.toLowerCase();
  let f = cache.get(ch);
  if (f === undefined) {
    // A lone combining mark folds to nothing: it belongs to the letter before it, which carries the match.
    f = ch.normalize('NFD').replace(MARKS, '').toLowerCase();
    cache.set(ch, f);
  }
  return f;
}

/** Maps a [start, end) range of the folded text back to the original, widening over trailing combining marks. */
export function originalRange(f: Folded, start: number, end: number, text: string): [number, number] {
  let e = f.at[end]!;
  while (e < text.length && /\p{M}/u.test(text[e]!)) e++;
  return [f.at[start]!, e];
}
