import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditTrail } from './audit';
import type { ScaleScore } from '../schemas/score';
import { upsertResponse, type ResponseRecord } from './responses';
import { ensureSession } from './sessions';
import { initStudy } from './study';
import { tempDir } from '../../../../test/support/temp-dir';
import { storeKinds, useStore } from '../../../../test/support/stores';

const total = (score: number, prorated = false): ScaleScore[] => [
  { scale: 'total', score, pomp: ((score - 4) / 16) * 100, prorated, missing: false },
];

describe.each(storeKinds)('response upsert on %s', (kind) => {
  useStore(kind);
  it('inserts, leaves an identical response alone, and audits a change with before and after', async () => {
    const s = await initStudy(join(tempDir('resp-'), 's'), { name: 'S' }, { actor: 'ana' });
    const sessionId = await ensureSession(s.db, { client: 'C1', therapist: 'T1', session: 1 });
    const r: ResponseRecord = {
      sessionId,
      instrument: 'x',
      form: 'client',
      respondent: 'client',
      items: { '1': 3, '2': null, '3': 4, '4': 5 },
      source: 'a.csv',
    };

    const first = await upsertResponse(s.db, s.actor, r, total(16, true));
    expect(first).toEqual({ id: 'C1/1/x/client/client', status: 'inserted', scored: true });
    const again = await upsertResponse(
      s.db,
      s.actor,
      { ...r, items: { '4': 5, '3': 4, '2': null, '1': 3 }, source: 'b.csv' },
      total(16, true),
    );
    expect(again).toEqual({ id: first.id, status: 'unchanged', scored: false });
    expect(await auditTrail(s.db, 'response')).toHaveLength(1);

    const changed = await upsertResponse(s.db, s.actor, { ...r, items: { ...r.items, '2': 2 } }, total(14));
    expect(changed.status).toBe('updated');
    const trail = await auditTrail(s.db, 'response', first.id);
    expect(trail.map((t) => t.action)).toEqual(['insert', 'update']);
    expect(trail[1]).toMatchObject({
      actor: 'ana',
      before: { items: { '2': null }, submittedAt: null },
      after: { items: { '2': 2 } },
    });
    const stored = await s.db.selectFrom('responses').selectAll().execute();
    expect(stored).toHaveLength(1);
    expect(JSON.parse(stored[0]!.items)).toEqual({ '1': 3, '2': 2, '3': 4, '4': 5 });
    const scores = await s.db.selectFrom('scores').selectAll().execute();
    expect(scores).toEqual([
      {
        source: 'response',
        source_id: first.id,
        instrument: 'x',
        form: 'client',
        scale: 'total',
        score: 14,
        pomp: 62.5,
        prorated: 0,
        missing: 0,
        // The number of its scale's texts (score-scales.ts).
        scale_id: (
          await s.db
            .selectFrom('score_scales')
            .select('id')
            .where('instrument', '=', 'x')
            .where('form', '=', 'client')
            .where('scale', '=', 'total')
            .executeTakeFirstOrThrow()
        ).id,
      },
    ]);
    await s.close();
  });

  it('rewrites stale scores of an unchanged response without an audit row, and keeps a known submission time', async () => {
    const s = await initStudy(join(tempDir('resp-'), 's'), { name: 'S' });
    const sessionId = await ensureSession(s.db, { client: 'C1', therapist: 'T1', session: 2 });
    const r: ResponseRecord = {
      sessionId,
      instrument: 'x',
      form: 'client',
      respondent: 'client',
      items: { '1': 3 },
      submittedAt: '2026-01-05T10:00:00Z',
    };
    await upsertResponse(s.db, s.actor, r, total(12));
    const { submittedAt: _drop, ...withoutTime } = r;
    expect(await upsertResponse(s.db, s.actor, withoutTime, total(13))).toMatchObject({
      status: 'unchanged',
      scored: true,
    });
    expect((await s.db.selectFrom('scores').select('score').executeTakeFirstOrThrow()).score).toBe(13);
    expect((await s.db.selectFrom('responses').select('submitted_at').executeTakeFirstOrThrow()).submitted_at).toBe(
      '2026-01-05T10:00:00Z',
    );
    expect(await auditTrail(s.db, 'response')).toHaveLength(1);
    await s.close();
  });
});
