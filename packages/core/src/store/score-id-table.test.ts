import { describe, expect, it } from 'vitest';
import { IdTable } from './score-id-table';

describe('IdTable', () => {
  it('numbers ids in the order they are added and finds each again by its text, past its expected size', () => {
    const ids = [
      '',
      'C1/1/wai-sr/client/client',
      'C1/1/wai-sr/client/clien',
      'Ärger/2/calpas/observer/k"2',
      'two\nlines/10/x',
      '𝄞 clef',
      ...Array.from({ length: 50_000 }, (_, i) => `C${i % 977}/${i}/r${i % 13}`),
    ];
    const t = new IdTable(10);
    ids.forEach((id, i) => expect(t.add(id)).toBe(i));
    expect(t.size).toBe(ids.length);
    ids.forEach((id, i) => expect(t.get(id)).toBe(i));
    for (const missing of ['C1/1/wai-sr/client/clientx', 'C1/1', '𝄞', 'ärger/2/calpas/observer/k"2', 'C0/50000/r0'])
      expect(t.get(missing)).toBe(-1);
  });
});
