import type { Utterance } from '../../schemas/transcript';
import { sha256 } from '../../util/hash';

/**
 * The identity of a transcript's content: SHA-256 over its canonical utterances (id, role, speaker, text, start,
 * end, in order). Each utterance is written as
 *   <len>:<id>|<role>|<len>:<speaker> or -|<len>:<text>|<start or ->|<end or ->\n
 * Length prefixes make the encoding unambiguous without escaping, which makes it several times cheaper than
 * canonical JSON; at millions of utterances that matters. Session metadata is not part of it: the session is
 * where the content lives, not what it is. Stored hashes depend on this encoding, so it never changes.
 */
export function contentHash(utterances: readonly Utterance[]): string {
  let s = '';
  for (let i = 0; i < utterances.length; i++) {
    const u = utterances[i]!;
    s +=
      `${u.id.length}:${u.id}|${u.role}|${u.speaker === undefined ? '-' : `${u.speaker.length}:${u.speaker}`}|` +
      `${u.text.length}:${u.text}|${u.start ?? '-'}|${u.end ?? '-'}\n`;
  }
  return sha256(s);
}
