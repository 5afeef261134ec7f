import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { storeKinds, useStore } from '../../../../test/support/stores';
import { storeTestRating, storeTestTranscript } from './test-ratings';
import { tempDir } from '../../../../test/support/temp-dir';
import type { ScaleScore } from '../schemas/score';
import { insertSessionsBulk } from './bulk-responses';
import type { Database } from './database';
import { migrationProvider } from './migrations';
import { upsertResponse } from './responses';
import { forEachScore } from './score-stream';
import { queryScores } from './scores';
import { ensureSession } from './sessions';
import { initStudy, openStudy, type Study } from './study';
import { ImmediateSqliteDialect, writeTransaction } from './write-lock';

const scores = (...scales: string[]): ScaleScore[] =>
  scales.map((scale, i) => ({ scale, score: i + 1.5, pomp: i * 10, prorated: false, missing: false }));

/** A response of the client's (or a therapist's) form in a session, with scores of the given scales. */
function respond(
  db: Kysely<Database>,
  actor: string,
  sessionId: string,
  instrument: string,
  form: 'client' | 'therapist',
  scales: string[],
) {
  return upsertResponse(db, actor, { sessionId, instrument, form, respondent: form, items: {} }, scores(...scales));
}

/** Scores whose number is missing or names other texts, and numbers given to more than one set of texts. */
async function wrong(db: Kysely<Database>): Promise<{ unnumbered: number; mismatched: number; duplicates: number }> {
  const { rows } = await sql<{ unnumbered: number; mismatched: number }>`
    select
      sum(case when s.scale_id is null or x.id is null then 1 else 0 end) as unnumbered,
      sum(case when x.id is not null and (x.instrument <> s.instrument or x.form <> s.form or x.scale <> s.scale)
        then 1 else 0 end) as mismatched
    from scores s left join score_scales x on x.id = s.scale_id`.execute(db);
  const dup = await sql<{ n: number }>`
    select count(*) as n from (select instrument, form, scale from score_scales
      group by instrument, form, scale having count(*) > 1) d`.execute(db);
  return {
    unnumbered: Number(rows[0]?.unnumbered ?? 0),
    mismatched: Number(rows[0]?.mismatched ?? 0),
    duplicates: Number(dup.rows[0]!.n),
  };
}

const NONE = { unnumbered: 0, mismatched: 0, duplicates: 0 };

function rating(s: Pick<Study, 'db' | 'actor' | 'sqlite'>, sessionId: string, replicate: number, scales: string[]) {
  return storeTestRating(s, {
    sessionId,
    replicate,
    scores: scores(...scales).map((sc) => ({ ...sc, instrument: 'wai-o-s', form: 'observer' })),
  });
}

describe.each(storeKinds)('score scale numbers on %s', (kind) => {
  useStore(kind);

  it('every writer gives each score the number of its own texts, one number per texts', async () => {
    const s = await initStudy(join(tempDir('scales-'), 's'), { name: 'S' });
    try {
      const sessionId = await ensureSession(s.db, { client: 'C1', therapist: 'T1', session: 1 });
      await respond(s.db, s.actor, sessionId, 'wai-sr', 'client', ['goal', 'task', 'total']);
      // The same scale names under another form and instrument are other texts, so other numbers.
      await respond(s.db, s.actor, sessionId, 'wai-sr', 'therapist', ['total', 'goal']);
      await storeTestTranscript(s.db, sessionId);
      // Outside a transaction (SQLite's raw path) and inside one (kysely's, on both stores).
      await rating(s, sessionId, 1, ['bond', 'total']);
      await writeTransaction(s.db, async (trx) =>
        rating({ ...s, db: trx, sqlite: null }, sessionId, 2, ['total', 'goal']),
      );
      if (s.sqlite)
        await insertSessionsBulk(s.sqlite, 'test', [
          {
            session: { client: 'C2', therapist: 'T1', session: 1 },
            responses: [
              {
                response: { instrument: 'wai-sr', form: 'client', respondent: 'client', items: {} },
                scores: scores('bond', 'goal'),
              },
            ],
          },
        ]);
      expect(await wrong(s.db)).toEqual(NONE);
      const numbered = await s.db.selectFrom('score_scales').selectAll().execute();
      const texts = await s.db.selectFrom('scores').select(['instrument', 'form', 'scale']).distinct().execute();
      expect(numbered).toHaveLength(texts.length);
      // And the stream, which reads the numbers, gives what the texts say.
      const streamed: unknown[] = [];
      await forEachScore(s, {}, (r) => streamed.push(r));
      expect(streamed).toEqual(await queryScores(s.db));
    } finally {
      await s.close();
    }
  });

  it('a scale first written in a transaction that rolls back takes its number back with it', async () => {
    const s = await initStudy(join(tempDir('scales-'), 's'), { name: 'S' });
    try {
      const sessionId = await ensureSession(s.db, { client: 'C1', therapist: 'T1', session: 1 });
      const response = (instrument: string) => ({
        sessionId,
        instrument,
        form: 'client' as const,
        respondent: 'client',
        items: {},
      });
      await expect(
        writeTransaction(s.db, async (trx) => {
          await upsertResponse(trx, s.actor, response('srs'), scores('total', 'relationship'));
          throw new Error('given up');
        }),
      ).rejects.toThrow('given up');
      expect(await s.db.selectFrom('score_scales').selectAll().execute()).toEqual([]);
      // Another scale then takes the freed number; the first one, written again, gets a number of its own.
      await upsertResponse(s.db, s.actor, response('arm-12'), scores('bond'));
      await upsertResponse(s.db, s.actor, response('srs'), scores('total', 'relationship'));
      expect(await wrong(s.db)).toEqual(NONE);
      expect(await s.db.selectFrom('score_scales').select('scale').orderBy('id').execute()).toEqual([
        { scale: 'bond' },
        { scale: 'total' },
        { scale: 'relationship' },
      ]);
    } finally {
      await s.close();
    }
  });
});

describe('score scale numbers on a store written before them (SQLite)', () => {
  it('the migration numbers the scales of the scores already stored, and the stream reads them', async () => {
    const dir = join(tempDir('scales-old-'), 's');
    const s = await initStudy(dir, { name: 'S' });
    await s.close();
    // The store as the previous version left it: migrated to 0009, with scores written without numbers.
    const file = join(dir, 'study.sqlite');
    const raw = new BetterSqlite3(file);
    raw.exec('drop table score_scales; alter table scores drop column scale_id');
    raw.exec(`delete from kysely_migration where name = '0010-score-scales'`);
    raw.exec(
      `insert into clients (id, created_at) values ('C1', 'T'); insert into therapists (id, created_at) values ('T1', 'T')`,
    );
    raw.exec(
      `insert into sessions (id, client_id, therapist_id, session_index, date, created_at) values ('C1/1', 'C1', 'T1', 1, null, 'T')`,
    );
    for (const [form, respondent] of [
      ['client', 'client'],
      ['therapist', 'therapist'],
    ]) {
      const id = `C1/1/wai-sr/${form}/${respondent}`;
      raw
        .prepare(
          'insert into responses (id, session_id, instrument, form, respondent, items, submitted_at, source, created_at, updated_at) values (?, ?, ?, ?, ?, ?, null, null, ?, ?)',
        )
        .run(id, 'C1/1', 'wai-sr', form, respondent, '{}', 'T', 'T');
      for (const [i, scale] of ['goal', 'total'].entries())
        raw
          .prepare(
            "insert into scores (source, source_id, instrument, form, scale, score, pomp, prorated, missing) values ('response', ?, 'wai-sr', ?, ?, ?, ?, 0, 0)",
          )
          .run(id, form, scale, i + 2, i * 10);
    }
    raw.close();
    const again = await openStudy(dir);
    try {
      expect(await wrong(again.db)).toEqual(NONE);
      expect(await again.db.selectFrom('score_scales').selectAll().execute()).toHaveLength(4);
      const streamed: unknown[] = [];
      await forEachScore(again, {}, (r) => streamed.push(r));
      expect(streamed).toHaveLength(4);
      expect(streamed).toEqual(await queryScores(again.db));
    } finally {
      await again.close();
    }
  });

  it('a score without a number stops the stream with a message saying which, instead of a wrong key', async () => {
    const s = await initStudy(join(tempDir('scales-'), 's'), { name: 'S' });
    try {
      const sessionId = await ensureSession(s.db, { client: 'C1', therapist: 'T1', session: 1 });
      await respond(s.db, s.actor, sessionId, 'wai-sr', 'client', ['goal']);
      s.sqlite!.exec('update scores set scale_id = null');
      await expect(forEachScore(s, {}, () => {})).rejects.toThrow(
        'a score of response C1/1/wai-sr/client/client has no scale number in score_scales',
      );
    } finally {
      await s.close();
    }
  });

  it('the migration runs on a store migrated to 0009 through kysely, as an older version left it', async () => {
    const file = join(tempDir('scales-kysely-'), 'study.sqlite');
    const sqlite = new BetterSqlite3(file);
    const db = new Kysely<Database>({
      dialect: new ImmediateSqliteDialect({ database: sqlite, raw: sqlite, lock: { study: file, timeoutMs: 1000 } }),
    });
    try {
      const migrator = new Migrator({ db, provider: migrationProvider });
      expect((await migrator.migrateTo('0009-rating-batches')).error).toBeUndefined();
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      expect(await db.selectFrom('score_scales').selectAll().execute()).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
