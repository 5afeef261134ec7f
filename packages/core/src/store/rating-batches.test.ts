import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  abandonRatingBatch,
  listRatingBatches,
  reserveRatingBatch,
  settleRatingBatchRequests,
  updateRatingBatch,
} from './rating-batches';
import { initStudy, type Study } from './study';
import { storeKinds, useStore } from '../../../../test/support/stores';

const dirs: string[] = [];
const open: Study[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function study(): Promise<Study> {
  const dir = mkdtempSync(join(tmpdir(), 'batches-'));
  dirs.push(dir);
  const s = await initStudy(join(dir, 's'), { name: 'B' });
  open.push(s);
  return s;
}

const batch = (id: string, keys: string[]) => ({
  id,
  rater: 'gpt',
  provider: 'openai',
  baseUrl: 'http://127.0.0.1:1/v1',
  holder: 'host#1#n',
  requests: keys.map((key, i) => ({ key, transcriptId: `t${i}`, replicate: 1 })),
});

describe.each(storeKinds)('rating batches on %s', (kind) => {
  useStore(kind);
  it('reserves only keys no open batch holds, and keeps the provider id and status', async () => {
    const s = await study();
    expect(await reserveRatingBatch(s.db, batch('b1', ['k1', 'k2']))).toEqual(['k1', 'k2']);
    expect(await reserveRatingBatch(s.db, batch('b2', ['k2', 'k3', 'k3']))).toEqual(['k3']);
    expect(await reserveRatingBatch(s.db, batch('b3', ['k1']))).toEqual([]);
    await updateRatingBatch(s.db, 'b1', {
      status: 'submitted',
      providerBatchId: 'batch_9',
      providerStatus: 'validating',
    });
    const [b1, b2, ...rest] = await listRatingBatches(s.db);
    expect(rest).toEqual([]);
    expect(b1).toMatchObject({
      id: 'b1',
      providerBatchId: 'batch_9',
      status: 'submitted',
      providerStatus: 'validating',
    });
    expect(b1!.requests.map((r) => [r.key, r.status])).toEqual([
      ['k1', 'pending'],
      ['k2', 'pending'],
    ]);
    expect(b2!.requests.map((r) => r.key)).toEqual(['k3']);
  });

  it('settles keys with reasons and closes a batch once none is pending; settled keys are free again', async () => {
    const s = await study();
    await reserveRatingBatch(s.db, batch('b1', ['k1', 'k2']));
    await settleRatingBatchRequests(s.db, 'b1', [{ key: 'k1', status: 'rated' }]);
    expect((await listRatingBatches(s.db)).map((b) => b.status)).toEqual(['submitting']);
    await settleRatingBatchRequests(s.db, 'b1', [{ key: 'k2', status: 'expired', reason: 'batch_expired' }]);
    expect(await listRatingBatches(s.db)).toEqual([]);
    const [all] = await listRatingBatches(s.db, { all: true });
    expect(all!.status).toBe('ingested');
    expect(all!.requests.find((r) => r.key === 'k2')).toMatchObject({ status: 'expired', reason: 'batch_expired' });
    expect(await reserveRatingBatch(s.db, batch('b2', ['k2']))).toEqual(['k2']);
  });

  it('abandons an interrupted submission, freeing its keys', async () => {
    const s = await study();
    await reserveRatingBatch(s.db, batch('b1', ['k1']));
    await abandonRatingBatch(s.db, 'b1');
    expect(await listRatingBatches(s.db)).toEqual([]);
    expect((await listRatingBatches(s.db, { all: true }))[0]!.requests[0]!.status).toBe('abandoned');
    expect(await reserveRatingBatch(s.db, batch('b2', ['k1']))).toEqual(['k1']);
  });
});
