import type { Utterance } from '../../schemas/transcript';
import { sha256 } from '../../util/hash';

/**
 * The identity of a transcript's content: a hash over its canonical utterances (id, role, speaker, text, start,
 * end, in order). Fixed-position arrays are as canonical as sorted-key objects and much cheaper, which matters at
 * millions of utterances. Session metadata is not part of it: the session is where the content lives, not what it is.
 */
export function contentHash(utterances: readonly Utterance[]): string {
  const rows = new Array<unknown[]>(utterances.length);
  for (let i = 0; i < utterances.length; i++) {
    const u = utterances[i]!;
    rows[i] = [u.id, u.role, u.speaker ?? null, u.text, u.start ?? null, u.end ?? null];
  }
  return sha256(JSON.stringify(rows));
}
