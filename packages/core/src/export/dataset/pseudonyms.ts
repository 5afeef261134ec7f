import { createHmac } from 'node:crypto';

export type IdKind = 'client' | 'therapist' | 'actor' | 'entity';
const PREFIX: Record<IdKind, string> = { client: 'c', therapist: 't', actor: 'a', entity: 'e' };
/** Ids of one kind whose pseudonyms are kept, at most. */
const MEMO_IDS = 1 << 16;

/**
 * Re-keys ids for a de-identified export: HMAC-SHA256 of kind and id under the study's export secret, truncated to
 * 64 bits. The same id always gives the same pseudonym in one study (exports can be joined across time), and
 * without the secret there is no way back, not even by trying every plausible id. Identified exports pass ids
 * through.
 */
export function pseudonymizer(secret: string | null): (kind: IdKind, id: string) => string {
  if (secret === null) return (_kind, id) => id;
  // One memo per kind, keyed by the id itself: building the "kind NUL id" text for every lookup cost more than
  // the lookup (an export asks twice per session and once per audit entry).
  const memo = new Map<IdKind, Map<string, string>>();
  return (kind, id) => {
    let byId = memo.get(kind);
    if (byId === undefined) memo.set(kind, (byId = new Map()));
    let out = byId.get(id);
    if (out === undefined) {
      out = `${PREFIX[kind]}_${createHmac('sha256', secret).update(`${kind}\u0000${id}`).digest('hex').slice(0, 16)}`;
      // Bounded: the audit names every response once or twice, close together, and a memo of them all would
      // hold the whole trail's ids.
      if (byId.size >= MEMO_IDS) byId.clear();
      byId.set(id, out);
    }
    return out;
  };
}
