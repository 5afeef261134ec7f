import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pseudonymizer } from '../export/dataset/pseudonyms';
import { exportSecret } from './export-secret';
import { initStudy, openStudy } from './study';
import { storeKinds, useStore } from '../../../../test/support/stores';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe.each(storeKinds)('export secret on %s', (kind) => {
  const store = useStore(kind);
  it('is created once, even by two connections asking at the same moment, and kept across openings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secret-'));
    dirs.push(dir);
    const first = await initStudy(join(dir, 's'), { name: 'S' });
    const second = await openStudy(join(dir, 's'));
    const [a, b] = await Promise.all([exportSecret(first.db), exportSecret(second.db)]);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
    const rows = await first.db.selectFrom('export_secrets').selectAll().execute();
    expect(rows).toHaveLength(1);
    await first.close();
    await second.close();
    const again = await openStudy(join(dir, 's'));
    expect(await exportSecret(again.db)).toBe(a);
    await again.close();

    store.another();
    const other = await initStudy(join(dir, 'other'), { name: 'O' });
    const theirs = await exportSecret(other.db);
    await other.close();
    expect(theirs).not.toBe(a);
    // the same id is another pseudonym in another study, and the same in the same study
    expect(pseudonymizer(a)('client', 'C01')).toBe(pseudonymizer(a)('client', 'C01'));
    expect(pseudonymizer(theirs)('client', 'C01')).not.toBe(pseudonymizer(a)('client', 'C01'));
    expect(pseudonymizer(a)('client', 'C01')).not.toBe(pseudonymizer(a)('therapist', 'C01'));
    expect(pseudonymizer(null)('client', 'C01')).toBe('C01');
  });
});
