import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeKinds, useStore } from '../../../../test/support/stores';
import { storeTestRating, storeTestTranscript } from './test-ratings';
import { tempDir } from '../../../../test/support/temp-dir';
import { auditRow } from './audit';
import {
  datasetAuditPages,
  datasetCodedTranscripts,
  datasetCodePages,
  datasetRatingIds,
  datasetRatingPages,
  datasetResponsePages,
} from './dataset-reads';
import { upsertResponse } from './responses';
import { sessionCodeSummaries } from './utterance-codes';
import { ensureSession } from './sessions';
import { initStudy } from './study';

async function pages<T>(gen: AsyncGenerator<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const page of gen) out.push(page);
  return out;
}

describe.each(storeKinds)('the dataset export paged reads on %s', (kind) => {
  useStore(kind);

  it('read every response and audit entry once, in order, a page at a time, pages ending anywhere', async () => {
    const s = await initStudy(join(tempDir('dataset-reads-'), 's'), { name: 'S' });
    try {
      // Written out of the export's order, so that the order comes from the read and not from the writes.
      const expected: string[] = [];
      for (const client of ['C2', 'C1'])
        for (const session of [2, 1])
          for (const [instrument, form] of [
            ['wai-sr', 'therapist'],
            ['srs', 'client'],
            ['wai-sr', 'client'],
          ] as const) {
            const sessionId = await ensureSession(s.db, { client, therapist: 'T1', session });
            await upsertResponse(
              s.db,
              s.actor,
              { sessionId, instrument, form, respondent: form, items: { 1: session } },
              [],
            );
            expected.push([sessionId, instrument, form, form].join(' '));
          }
      expected.sort();
      // An entry for an entity with no session (a staff account, say) has none in the export.
      await s.db
        .insertInto('audit')
        .values(auditRow({ actor: 'a', entity: 'staff', entityId: 'x', action: 'insert', before: null, after: null }))
        .execute();

      const whole = (await pages(datasetResponsePages(s.db))).flat();
      expect(whole.map((r) => [r.session_id, r.instrument, r.form, r.respondent].join(' '))).toEqual(expected);
      for (const size of [1, 5, 12, 13]) {
        const paged = await pages(datasetResponsePages(s.db, size));
        expect(paged.every((p) => p.length > 0 && p.length <= size)).toBe(true);
        expect(paged.flat()).toEqual(whole);
      }

      const audit = (await pages(datasetAuditPages(s.db))).flat();
      const responses = await s.db.selectFrom('responses').select(['id', 'session_id']).execute();
      const sessionOf = new Map(responses.map((r) => [r.id, r.session_id]));
      expect(audit.length).toBeGreaterThan(expected.length);
      expect(audit.map((a) => Number(a.id))).toEqual([...audit.map((a) => Number(a.id))].sort((x, y) => x - y));
      for (const a of audit) expect(a.session_id).toBe(sessionOf.get(a.entity_id) ?? null);
      expect(audit.filter((a) => a.entity === 'staff').map((a) => a.session_id)).toEqual([null]);
      for (const size of [1, 4, audit.length, audit.length + 1]) {
        const paged = await pages(datasetAuditPages(s.db, size));
        expect(paged.every((p) => p.length > 0 && p.length <= size)).toBe(true);
        expect(paged.flat()).toEqual(audit);
      }
    } finally {
      await s.close();
    }
  });

  it('read every rating listed once, in the order of session, rater, replicate and version, a page at a time', async () => {
    const s = await initStudy(join(tempDir('dataset-ratings-'), 's'), { name: 'S' });
    try {
      for (const [client, session] of [
        ['C2', 1],
        ['C1', 2],
        ['C1', 1],
        ['C3', 1],
      ] as const) {
        const sessionId = await ensureSession(s.db, { client, therapist: 'T1', session });
        for (const version of [2, 1]) {
          await storeTestTranscript(s.db, sessionId, version, version === 2);
          // The third client's session has no ratings.
          if (client !== 'C3')
            for (const rater of ['b', 'a'])
              for (const replicate of [2, 1]) await storeTestRating(s, { sessionId, version, rater, replicate });
        }
      }
      const key = (g: { session_id: string; rater: string; replicate: number; transcript_version: number }) =>
        [g.session_id, g.rater, g.replicate, g.transcript_version].join(' ');
      const ids = await datasetRatingIds(s.db);
      const whole = (await pages(datasetRatingPages(s.db, ids, false))).flat();
      expect(whole).toHaveLength(3 * 2 * 2 * 2);
      expect(whole.map((g) => g.id)).toEqual(ids);
      const sorted = [...whole].sort((x, y) =>
        x.session_id !== y.session_id
          ? x.session_id < y.session_id
            ? -1
            : 1
          : x.rater !== y.rater
            ? x.rater < y.rater
              ? -1
              : 1
            : x.replicate - y.replicate || x.transcript_version - y.transcript_version,
      );
      expect(whole.map(key)).toEqual(sorted.map(key));
      expect(whole.every((g) => g.output === null)).toBe(true);
      for (const size of [1, 5, 24, 25]) {
        const paged = await pages(datasetRatingPages(s.db, ids, false, size));
        expect(paged.every((p) => p.length > 0 && p.length <= size)).toBe(true);
        expect(paged.flat()).toEqual(whole);
      }
      // A rating stored after the ids were listed is in no page, so every table built from them holds the same.
      const later = await ensureSession(s.db, { client: 'C0', therapist: 'T1', session: 1 });
      await storeTestTranscript(s.db, later);
      await storeTestRating(s, { sessionId: later, rater: 'a' });
      expect((await pages(datasetRatingPages(s.db, ids, false, 5))).flat()).toEqual(whole);
      expect(await datasetRatingIds(s.db)).toHaveLength(ids.length + 1);
      // Asked for, the cached answer comes with each rating.
      expect((await pages(datasetRatingPages(s.db, ids, true))).flat().every((g) => g.output !== null)).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('read every coded transcript and coder listed once, in session, version and coder order, codes by position', async () => {
    const s = await initStudy(join(tempDir('dataset-codes-'), 's'), { name: 'S' });
    try {
      const expected: string[] = [];
      for (const [client, session] of [
        ['C2', 1],
        ['C1', 2],
        ['C1', 1],
      ] as const) {
        const sessionId = await ensureSession(s.db, { client, therapist: 'T1', session });
        for (const version of [2, 1]) {
          const transcriptId = await storeTestTranscript(s.db, sessionId, version, version === 2);
          // Written out of position order, so the order comes from the read.
          for (const coder of ['b', 'a'])
            for (const seq of [3, 1, 2])
              await s.db
                .insertInto('utterance_codes')
                .values({
                  transcript_id: transcriptId,
                  coder,
                  coder_hash: `hash-${coder}`,
                  seq,
                  uid: `u${seq}`,
                  role: seq === 2 ? 'client' : 'therapist',
                  code: seq === 2 ? 'change' : 'question',
                  subcode: seq === 2 ? null : 'open',
                  probability: seq / 4,
                  created_at: '2026-01-01T00:00:00Z',
                })
                .execute();
        }
      }
      for (const sessionId of ['C1/1', 'C1/2', 'C2/1'])
        for (const version of [1, 2]) for (const coder of ['a', 'b']) expected.push(`${sessionId} ${version} ${coder}`);
      const keys = await datasetCodedTranscripts(s.db);
      expect(keys.map((k) => `${k.session_id} ${k.version} ${k.coder}`)).toEqual(expected);
      expect(keys.map((k) => k.is_current)).toEqual(expected.map((e) => (e.includes(' 2 ') ? 1 : 0)));
      const whole = (await pages(datasetCodePages(s.db, keys))).flat();
      expect(whole.map((t) => `${t.session_id} ${t.version} ${t.coder}`)).toEqual(expected);
      for (const t of whole) {
        expect(t.codes.map((c) => c.seq)).toEqual([1, 2, 3]);
        expect(t.codes.every((c) => c.coder === t.coder && c.transcript_id === t.transcript_id)).toBe(true);
      }
      // Validation's read: the current version's codes only, summarised per session and coder.
      const summaries = await sessionCodeSummaries(s.db);
      expect(summaries.map((x) => `${x.sessionId} ${x.coder} ${x.coderHash}`)).toEqual(
        ['C1/1', 'C1/2', 'C2/1'].flatMap((id) => [`${id} a hash-a`, `${id} b hash-b`]),
      );
      for (const x of summaries)
        expect(x.summary).toMatchObject({ questions: 2, openQuestions: 2, changeTalk: 1, changeTalkShare: 1 });
      for (const size of [1, 5, 12, 13]) {
        const paged = await pages(datasetCodePages(s.db, keys, size));
        expect(paged.every((p) => p.length > 0 && p.length <= size)).toBe(true);
        expect(paged.flat()).toEqual(whole);
      }
    } finally {
      await s.close();
    }
  });
});
