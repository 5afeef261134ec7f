import type { Utterance } from '../../schemas/transcript';
import { sha256 } from '../../util/hash';

/** Per utterance, where its id, speaker and text sit in the canonical encoding: start/end pairs, speaker -1 when absent. */
export const INDEX_WIDTH = 6;

/**
 * The canonical encoding of a transcript's content: each utterance (id, role, speaker, text, start, end, in
 * order) written as
 *   <len>:<id>|<role>|<len>:<speaker> or -|<len>:<text>|<start or ->|<end or ->\n
 * with lengths in UTF-16 code units. Length prefixes make it unambiguous without escaping, so it is several
 * times cheaper than canonical JSON, which matters at millions of utterances. `index`, when given, receives the
 * positions of each id, speaker and text, so the encoding can also carry the strings between threads.
 */
export function canonicalEncoding(utterances: readonly Utterance[], index?: Int32Array): string {
  let s = '';
  for (let i = 0; i < utterances.length; i++) {
    const u = utterances[i]!;
    s += `${u.id.length}:`;
    const idAt = s.length;
    s += `${u.id}|${u.role}|`;
    let speakerAt = -1;
    if (u.speaker === undefined) s += '-|';
    else {
      s += `${u.speaker.length}:`;
      speakerAt = s.length;
      s += `${u.speaker}|`;
    }
    s += `${u.text.length}:`;
    const textAt = s.length;
    s += `${u.text}|${u.start ?? '-'}|${u.end ?? '-'}\n`;
    if (index) {
      const k = i * INDEX_WIDTH;
      index[k] = idAt;
      index[k + 1] = idAt + u.id.length;
      index[k + 2] = speakerAt;
      index[k + 3] = speakerAt < 0 ? -1 : speakerAt + u.speaker!.length;
      index[k + 4] = textAt;
      index[k + 5] = textAt + u.text.length;
    }
  }
  return s;
}

/**
 * The identity of a transcript's content: SHA-256 of its canonical encoding. Session metadata is not part of
 * it: the session is where the content lives, not what it is. Stored hashes depend on the encoding, so it never
 * changes.
 */
export function contentHash(utterances: readonly Utterance[]): string {
  return sha256(canonicalEncoding(utterances));
}
