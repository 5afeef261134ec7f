import { createHmac } from 'node:crypto';

export type IdKind = 'client' | 'therapist' | 'actor' | 'entity';
const PREFIX: Record<IdKind, string> = { client: 'c', therapist: 't', actor: 'a', entity: 'e' };

/**
 * Re-keys ids for a de-identified export: HMAC-SHA256 of kind and id under the study's export secret, truncated to
 * 64 bits. The same id always gives the same pseudonym in one study (exports can be joined across time), and
 * without the secret there is no way back, not even by trying every plausible id. Identified exports pass ids
 * through.
 */
export function pseudonymizer(secret: string | null): (kind: IdKind, id: string) => string {
  if (secret === null) return (_kind, id) => id;
  const memo = new Map<string, string>();
  return (kind, id) => {
    const key = `${kind}\u0000${id}`;
    let out = memo.get(key);
    if (out === undefined) {
      out = `${PREFIX[kind]}_${createHmac('sha256', secret).update(key).digest('hex').slice(0, 16)}`;
      memo.set(key, out);
    }
    return out;
  };
}
