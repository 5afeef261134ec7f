import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SessionTranscript, Utterance } from '../schemas/transcript';
import { contentHash } from '../import/transcripts/content-hash';
import { storeTranscript, type TranscriptSink } from './transcripts';
import { freshStudy, snapshot } from '../import/transcripts/test-support';
import { storeKinds, useStore } from '../../../../test/support/stores';

const base: SessionTranscript = {
  client: 'C01',
  therapist: 'T01',
  session: 1,
  date: '2026-03-02',
  utterances: [
    { id: 'u0001', role: 'therapist', speaker: 'Dr. Lee', text: 'How was the week?', start: 0, end: 2.5 },
    { id: 'u0002', role: 'client', text: 'Long.' },
  ],
};
const edited: SessionTranscript = {
  ...base,
  utterances: [base.utterances[0]!, { id: 'u0002', role: 'client', text: 'Long, honestly.' }],
};
const origin = { file: 'week.json', format: 'json' };

async function store(
  sinkOf: (s: Awaited<ReturnType<typeof freshStudy>>) => TranscriptSink,
  study: Awaited<ReturnType<typeof freshStudy>>,
  t: SessionTranscript,
) {
  return study.db
    .transaction()
    .execute((trx) => storeTranscript({ ...sinkOf(study), db: trx }, { transcript: t, line: 1 }, origin));
}
const raw = (s: Awaited<ReturnType<typeof freshStudy>>): TranscriptSink => ({
  db: s.db,
  sqlite: s.sqlite,
  actor: s.actor,
});

describe.each(storeKinds)('storing transcripts on %s', (kind) => {
  useStore(kind);
  it('hashes the documented canonical encoding of the utterances', () => {
    const expected = createHash('sha256')
      .update('5:u0001|therapist|7:Dr. Lee|17:How was the week?|0|2.5\n5:u0002|client|-|5:Long.|-|-\n')
      .digest('hex');
    expect(contentHash(base.utterances)).toBe(expected);
    const reordered = base.utterances.map((u) => Object.fromEntries(Object.entries(u).reverse()) as Utterance);
    expect(contentHash(reordered)).toBe(expected);
    expect(contentHash(edited.utterances)).not.toBe(expected);
    expect(contentHash([{ ...base.utterances[0]!, start: 0.1 }, base.utterances[1]!])).not.toBe(expected);
  });

  it('stores a first transcript with its utterances in order and an audit row without text', async () => {
    const study = await freshStudy();
    expect(await store(raw, study, base)).toEqual({
      status: 'imported',
      transcriptId: 'C01/1/v1',
      version: 1,
      utterances: 2,
    });
    const rows = await study.db.selectFrom('utterances').selectAll().orderBy('seq').execute();
    expect(rows).toEqual([
      {
        transcript_id: 'C01/1/v1',
        seq: 1,
        uid: 'u0001',
        role: 'therapist',
        speaker: 'Dr. Lee',
        text: 'How was the week?',
        start_s: 0,
        end_s: 2.5,
      },
      {
        transcript_id: 'C01/1/v1',
        seq: 2,
        uid: 'u0002',
        role: 'client',
        speaker: null,
        text: 'Long.',
        start_s: null,
        end_s: null,
      },
    ]);
    const session = await study.db.selectFrom('sessions').selectAll().executeTakeFirstOrThrow();
    expect(session).toMatchObject({
      id: 'C01/1',
      client_id: 'C01',
      therapist_id: 'T01',
      session_index: 1,
      date: '2026-03-02',
    });
    const { audit } = await snapshot(study);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: 'tester',
      entity: 'transcript',
      entityId: 'C01/1/v1',
      action: 'insert',
      before: null,
    });
    expect(audit[0]!.after).toMatchObject({
      session: 'C01/1',
      version: 1,
      contentHash: contentHash(base.utterances),
      utterances: 2,
      format: 'json',
      source: 'week.json',
    });
    expect(JSON.stringify(audit)).not.toMatch(/How was the week/);
    await study.close();
  });

  it('adds nothing when the same content comes again', async () => {
    const study = await freshStudy();
    await store(raw, study, base);
    const before = await snapshot(study);
    expect(await store(raw, study, { ...base, utterances: base.utterances.map((u) => ({ ...u })) })).toEqual({
      status: 'unchanged',
      transcriptId: 'C01/1/v1',
      version: 1,
      utterances: 0,
    });
    expect(await snapshot(study)).toEqual(before);
    await study.close();
  });

  it('keeps the old version when content changes, moves is_current, and counts only current versions', async () => {
    const study = await freshStudy();
    await store(raw, study, base);
    expect(await store(raw, study, edited)).toEqual({
      status: 'new-version',
      transcriptId: 'C01/1/v2',
      version: 2,
      utterances: 2,
    });
    const versions = await study.db
      .selectFrom('transcripts')
      .select(['id', 'version', 'is_current'])
      .orderBy('version')
      .execute();
    expect(versions).toEqual([
      { id: 'C01/1/v1', version: 1, is_current: 0 },
      { id: 'C01/1/v2', version: 2, is_current: 1 },
    ]);
    const snap = await snapshot(study);
    expect(snap.counts).toMatchObject({ sessions: 1, transcripts: 1, utterances: 2 });
    expect(snap.rows).toMatchObject({ transcripts: 2, utterances: 4 });
    expect(
      snap.audit.map((a) => [
        a.entityId,
        a.action,
        a.before,
        a.after && (a.after as { isCurrent?: boolean }).isCurrent,
      ]),
    ).toEqual([
      ['C01/1/v1', 'insert', null, undefined],
      ['C01/1/v1', 'update', { isCurrent: true }, false],
      ['C01/1/v2', 'insert', null, undefined],
    ]);
    const old = await study.db
      .selectFrom('utterances')
      .select('text')
      .where('transcript_id', '=', 'C01/1/v1')
      .orderBy('seq')
      .execute();
    expect(old.map((r) => r.text)).toEqual(['How was the week?', 'Long.']);
    await study.close();
  });

  it('makes an earlier version current again when its content returns', async () => {
    const study = await freshStudy();
    await store(raw, study, base);
    await store(raw, study, edited);
    expect(await store(raw, study, base)).toEqual({
      status: 'restored',
      transcriptId: 'C01/1/v1',
      version: 1,
      utterances: 0,
    });
    const current = await study.db.selectFrom('transcripts').select('id').where('is_current', '=', 1).execute();
    expect(current).toEqual([{ id: 'C01/1/v1' }]);
    const snap = await snapshot(study);
    expect(snap.rows).toMatchObject({ transcripts: 2, utterances: 4 });
    expect(snap.audit.slice(3).map((a) => [a.entityId, a.action])).toEqual([
      ['C01/1/v2', 'update'],
      ['C01/1/v1', 'update'],
    ]);
    await study.close();
  });

  it('refuses a session recorded with another therapist, naming file and line', async () => {
    const study = await freshStudy();
    await store(raw, study, base);
    await expect(
      study.db
        .transaction()
        .execute((trx) =>
          storeTranscript({ ...raw(study), db: trx }, { transcript: { ...edited, therapist: 'T02' }, line: 7 }, origin),
        ),
    ).rejects.toThrow(
      'week.json, line 7: client C01 session 1 is recorded with therapist T01, but this input says T02',
    );
    await study.close();
  });

  it('writes the same rows through kysely (the PostgreSQL path) as through the raw SQLite handle', async () => {
    const viaRaw = await freshStudy();
    const viaKysely = await freshStudy();
    const many: SessionTranscript = {
      ...base,
      utterances: Array.from(
        { length: 37 },
        (_, i) => ({ id: `u${i}`, role: i % 2 ? 'client' : 'therapist', text: `turn ${i}`, start: i }) as Utterance,
      ),
    };
    await store(raw, viaRaw, many);
    await store((s) => ({ db: s.db, sqlite: null, actor: s.actor }), viaKysely, many);
    const dump = (s: typeof viaRaw) => s.db.selectFrom('utterances').selectAll().orderBy('seq').execute();
    const rows = await dump(viaRaw);
    expect(rows).toHaveLength(37);
    expect(rows[36]).toEqual({
      transcript_id: 'C01/1/v1',
      seq: 37,
      uid: 'u36',
      role: 'therapist',
      speaker: null,
      text: 'turn 36',
      start_s: 36,
      end_s: null,
    });
    expect(await dump(viaKysely)).toEqual(rows);
    await viaRaw.close();
    await viaKysely.close();
  });
});
