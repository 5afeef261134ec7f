import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/support/temp-dir';
import { scoreFilterProblem, scoresCsv, widenScores } from '../export/scores';
import { upsertResponse } from './responses';
import { queryScores, replaceScores, scoresOf, scoreValues } from './scores';
import { ensureSession } from './sessions';
import { initStudy, type Study } from './study';
import { storeKinds, useStore } from '../../../../test/support/stores';

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

describe.each(storeKinds)('score query on %s', (kind) => {
  useStore(kind);
  it('gives one long row per score, sorted by client and session, without failed ratings', async () => {
    const s = await seeded();
    const rows = await queryScores(s.db);
    expect(rows.map((r) => [r.client, r.session, r.source, r.rater, r.replicate, r.scale, r.score])).toEqual([
      ['C01', 1, 'rater', 'lexicon', 0, 'bond', 5],
      ['C01', 1, 'rater', 'lexicon', 1, 'bond', 6],
      ['C01', 1, 'self-report', 'client', 0, 'total', 37],
      ['C01', 2, 'self-report', 'client', 0, 'total', 38],
      ['C02', 1, 'self-report', 'client', 0, 'total', 37],
    ]);
    expect(await queryScores(s.db, { instrument: 'srs' })).toHaveLength(3);
    await s.close();
  });

  it('leaves out ratings of superseded transcript versions', async () => {
    const s = await seeded();
    await s.db.updateTable('transcripts').set({ is_current: 0 }).execute();
    expect((await queryScores(s.db)).filter((r) => r.source === 'rater')).toEqual([]);
    await s.close();
  });

  it('widens to one row per client and session, averaging replicates', async () => {
    const s = await seeded();
    const { header, rows: wide } = widenScores(await queryScores(s.db));
    expect(header.slice(0, 5)).toEqual(['session_id', 'client', 'therapist', 'session', 'date']);
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

describe.each(storeKinds)('score filters on %s', (kind) => {
  useStore(kind);
  it('applies client, therapist, session range, source, rater, instrument, form and scale in the query', async () => {
    const s = await seeded();
    await ensureSession(s.db, { client: 'C03', therapist: 'T2', session: 4 });
    await upsertResponse(
      s.db,
      'test',
      { sessionId: 'C03/4', instrument: 'srs', form: 'client', respondent: 'K1', items: { '1': 5 } },
      [{ scale: 'total', score: 20, pomp: 50, prorated: true, missing: false }],
    );
    const key = (rows: Awaited<ReturnType<typeof queryScores>>) =>
      rows.map((r) => `${r.client}/${r.session} ${r.source} ${r.rater} ${r.replicate}`);
    expect(key(await queryScores(s.db, { clients: ['C02'] }))).toEqual(['C02/1 self-report client 0']);
    expect(key(await queryScores(s.db, { therapists: ['T2'] }))).toEqual(['C03/4 coder K1 0']);
    expect(key(await queryScores(s.db, { sessions: { from: 2 } }))).toEqual([
      'C01/2 self-report client 0',
      'C03/4 coder K1 0',
    ]);
    expect(key(await queryScores(s.db, { sessions: { to: 1 }, sources: ['self-report'] }))).toEqual([
      'C01/1 self-report client 0',
      'C02/1 self-report client 0',
    ]);
    expect(key(await queryScores(s.db, { sources: ['coder', 'rater'] }))).toEqual([
      'C01/1 rater lexicon 0',
      'C01/1 rater lexicon 1',
      'C03/4 coder K1 0',
    ]);
    expect(key(await queryScores(s.db, { raters: ['K1'], instrument: 'srs', form: 'client', scale: 'total' }))).toEqual(
      ['C03/4 coder K1 0'],
    );
    const [coded] = await queryScores(s.db, { raters: ['K1'] });
    expect(coded).toMatchObject({ therapist: 'T2', date: null, score: 20, pomp: 50, prorated: true, missing: false });
    expect(await scoreValues(s.db, { instrument: 'srs' })).toEqual({
      clients: ['C01', 'C02', 'C03'],
      therapists: ['T1', 'T2'],
      sources: ['coder', 'self-report'],
      raters: ['K1', 'client'],
      instruments: ['srs'],
      forms: ['client'],
      scales: ['total'],
    });
    await s.close();
  });

  it('says which filter value matches nothing, listing the valid ones and the nearest', async () => {
    const s = await seeded();
    expect(await scoreFilterProblem(s.db, { scale: 'total' })).toBeUndefined();
    expect(await scoreFilterProblem(s.db, { scale: 'totl' })).toBe(
      'no scores with scale "totl"; the scales are bond, total (did you mean "total"?)',
    );
    expect(await scoreFilterProblem(s.db, { raters: ['client', 'lexicn'] })).toBe(
      'no scores with rater "lexicn"; the raters are client, lexicon (did you mean "lexicon"?)',
    );
    expect(await scoreFilterProblem(s.db, { instrument: 'srs', scale: 'bond' })).toBe(
      'no scores with scale "bond" of instrument srs; the scales are total',
    );
    expect(await scoreFilterProblem(s.db, { sessions: { from: 5 } })).toBe('no scores of sessions 5–…');
    await s.close();
  });

  it('writes the 0/1 flags of one owner and reads them back as booleans; the CSV writes 0/1', async () => {
    const s = await seeded();
    const owner = { kind: 'response' as const, id: 'C01/1/srs/client/client' };
    await replaceScores(s.db, owner, [
      { instrument: 'srs', form: 'client', scale: 'total', score: null, pomp: null, prorated: false, missing: true },
    ]);
    expect(await scoresOf(s.db, owner)).toEqual([
      { instrument: 'srs', form: 'client', scale: 'total', score: null, pomp: null, prorated: false, missing: true },
    ]);
    const csv = scoresCsv(await queryScores(s.db, { clients: ['C01'], sessions: { to: 1 }, sources: ['self-report'] }));
    expect(csv).toBe(
      'session_id,client,therapist,session,date,source,rater,replicate,instrument,form,scale,score,pomp,prorated,missing\n' +
        'C01/1,C01,T1,1,2026-01-01,self-report,client,0,srs,client,total,,,0,1\n',
    );
    await s.close();
  });
});
