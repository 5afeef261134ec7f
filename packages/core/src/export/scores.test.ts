import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { upsertResponse } from '../store/responses';
import { ensureSession } from '../store/sessions';
import { initStudy, type Study } from '../store/study';
import { exportScores, widenScores } from './scores';
import { tempDir } from '../../../../test/support/temp-dir';

async function seeded(): Promise<Study> {
  const s = await initStudy(join(tempDir('export-'), 's'), { name: 'E' });
  for (const [client, session] of [
    ['C02', 1],
    ['C01', 2],
    ['C01', 1],
  ] as const) {
    const sid = await ensureSession(s.db, { client, therapist: 'T1', session, date: `2026-01-0${session}` });
    await upsertResponse(
      s.db,
      'test',
      {
        sessionId: sid,
        instrument: 'srs',
        form: 'client',
        respondent: 'client',
        items: { '1': 9, '2': 9, '3': 9, '4': 9 },
      },
      [{ scale: 'total', score: 36 + session, pomp: 90 + session, prorated: false, missing: false }],
    );
  }
  const at = new Date().toISOString();
  await s.db
    .insertInto('transcripts')
    .values({
      id: 't1',
      session_id: 'C01/1',
      version: 1,
      content_hash: 'h',
      is_current: 1,
      format: 'json',
      source: null,
      utterance_count: 1,
      imported_at: at,
    })
    .execute();
  const rating = (id: string, replicate: number, status: string) => ({
    id,
    session_id: 'C01/1',
    transcript_id: 't1',
    rater: 'lexicon',
    provider: 'lexicon',
    model: 'm',
    prompt_version: 'v1',
    prompt_hash: 'p',
    params: '{}',
    replicate,
    status,
    forms: '[]',
    signals: '[]',
    ruptures: '[]',
    failure: null,
    input_tokens: 0,
    output_tokens: 0,
    cached_tokens: 0,
    cost_usd: 0,
    latency_ms: 0,
    cache_key: id,
    created_at: at,
  });
  await s.db
    .insertInto('ratings')
    .values([rating('g1', 0, 'ok'), rating('g2', 1, 'ok'), rating('g3', 2, 'failed')])
    .execute();
  await s.db
    .insertInto('scores')
    .values([
      {
        source: 'rating',
        source_id: 'g1',
        instrument: 'wai-o-s',
        form: 'observer',
        scale: 'bond',
        score: 5,
        pomp: 66.7,
        prorated: 0,
        missing: 0,
      },
      {
        source: 'rating',
        source_id: 'g2',
        instrument: 'wai-o-s',
        form: 'observer',
        scale: 'bond',
        score: 6,
        pomp: 83.3,
        prorated: 0,
        missing: 0,
      },
      {
        source: 'rating',
        source_id: 'g3',
        instrument: 'wai-o-s',
        form: 'observer',
        scale: 'bond',
        score: 1,
        pomp: 0,
        prorated: 0,
        missing: 0,
      },
    ])
    .execute();
  return s;
}

describe('score export', () => {
  it('gives one long row per score, sorted by client and session, without failed ratings', async () => {
    const s = await seeded();
    const rows = await exportScores(s.db);
    expect(rows.map((r) => [r.client, r.session, r.source, r.rater, r.replicate, r.scale, r.score])).toEqual([
      ['C01', 1, 'rater', 'lexicon', 0, 'bond', 5],
      ['C01', 1, 'rater', 'lexicon', 1, 'bond', 6],
      ['C01', 1, 'self-report', 'client', 0, 'total', 37],
      ['C01', 2, 'self-report', 'client', 0, 'total', 38],
      ['C02', 1, 'self-report', 'client', 0, 'total', 37],
    ]);
    expect(await exportScores(s.db, { instrument: 'srs' })).toHaveLength(3);
    await s.close();
  });

  it('leaves out ratings of superseded transcript versions', async () => {
    const s = await seeded();
    await s.db.updateTable('transcripts').set({ is_current: 0 }).execute();
    expect((await exportScores(s.db)).filter((r) => r.source === 'rater')).toEqual([]);
    await s.close();
  });

  it('widens to one row per client and session, averaging replicates', async () => {
    const s = await seeded();
    const wide = await widenScores(await exportScores(s.db));
    expect(wide).toHaveLength(3);
    expect(wide[0]).toMatchObject({
      client: 'C01',
      session: 1,
      session_id: 'C01/1',
      client_srs_client_total: 37,
      lexicon_wai_o_s_observer_bond: 5.5,
    });
    expect(wide[1]).toMatchObject({ client: 'C01', session: 2, client_srs_client_total: 38 });
    await s.close();
  });
});
