import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pseudonymizer } from './pseudonyms';

describe('pseudonymizer', () => {
  const secret = 'a'.repeat(64);
  const expected = (kind: string, id: string, prefix: string) =>
    `${prefix}_${createHmac('sha256', secret).update(`${kind}\u0000${id}`).digest('hex').slice(0, 16)}`;

  it('is HMAC-SHA256 of kind and id, and gives an id the same pseudonym after many others (past its memo)', () => {
    const p = pseudonymizer(secret);
    const first = p('entity', 'R-0');
    expect(first).toBe(expected('entity', 'R-0', 'e'));
    expect(p('client', 'R-0')).toBe(expected('client', 'R-0', 'c'));
    for (let i = 1; i < 70_000; i++) p('entity', `R-${i}`);
    expect(p('entity', 'R-0')).toBe(first);
    expect(p('entity', 'R-69999')).toBe(expected('entity', 'R-69999', 'e'));
  });
});
