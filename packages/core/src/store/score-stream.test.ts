import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { storeKinds, useStore } from '../../../../test/support/stores';
import { storeTestRating, storeTestTranscript } from './test-ratings';
import { tempDir } from '../../../../test/support/temp-dir';
import { scoresCsv, widenScores, writeScoresCsv } from '../export/scores';
import type { ScoreFilter, ScoreRow } from '../schemas/score';
import { toCsv } from '../util/csv';
import { type BulkSession, insertSessionsBulk } from './bulk-responses';
import { upsertResponse } from './responses';
import { forEachScore, forEachScoreBatch, scoreRow } from './score-stream';
import { queryScores } from './scores';
import { ensureSession } from './sessions';
import { initStudy, openStudy, type Study } from './study';
import { writeTransaction } from './write-lock';

// Ids that sort differently as text and as numbers, with quotes, commas, a line break and a non-ASCII letter.
const CLIENTS = ['C10', 'C2', 'c1', 'Ärger', 'say "hi", ok', 'two\nlines'];
const SESSIONS = [1, 2, 10];

async function study(): Promise<Study> {
  const s = await initStudy(join(tempDir('score-stream-'), 's'), { name: 'S' });
  let i = 0;
  const score = () => {
    i++;
    // Nulls, a value with binary noise, tiny and large values, negative zero.
    const values = [null, 0.1 + 0.2, 1e-7, 123456789.123, -0, 41 / 3, 5];
    const v = values[i % values.length]!;
    return { score: v, pomp: v === null ? null : v * 7.1, prorated: i % 4 === 0, missing: v === null };
  };
  await seed(
    s,
    CLIENTS.flatMap((client, c) =>
      SESSIONS.map((session) => ({
        session: {
          client,
          therapist: `T${c % 2}`,
          session,
          ...(session === 2 ? {} : { date: `2026-0${c + 1}-1${session % 10}` }),
        },
        responses: [
          { respondent: 'therapist', instrument: 'wai-sr', form: 'therapist', scales: ['goal', 'bond', 'total'] },
          { respondent: 'client', instrument: 'wai-sr', form: 'client', scales: ['task', 'goal', 'total'] },
          { respondent: 'k2', instrument: 'wai-o-s', form: 'observer', scales: ['total', 'bond'] },
          { respondent: 'k1', instrument: 'wai-o-s', form: 'observer', scales: ['total'] },
        ].map((r) => ({
          response: { instrument: r.instrument, form: r.form, respondent: r.respondent, items: { '1': 3 } },
          scores: r.scales.map((scale) => ({ scale, ...score() })),
        })),
      })),
    ),
  );
  // Ratings: two replicates of a current transcript version, a failed one, and one of a superseded version.
  for (const client of CLIENTS.slice(0, 3)) {
    const sessionId = `${client}/1`;
    for (const [version, current] of [
      [1, false],
      [2, true],
    ] as const)
      await storeTestTranscript(s.db, sessionId, version, current);
    for (const [rater, version, replicate, status] of [
      ['lexicon', 2, 2, 'ok'],
      ['lexicon', 2, 1, 'ok'],
      ['gpt', 2, 1, 'failed'],
      ['lexicon', 1, 1, 'ok'],
    ] as const)
      await storeTestRating(s, {
        sessionId,
        version,
        rater,
        replicate,
        status,
        scores:
          status === 'ok'
            ? ['total', 'task'].map((scale) => ({ instrument: 'wai-o-s', form: 'observer', scale, ...score() }))
            : [],
      });
  }
  // The first client's first session answered again: its scores are written anew, after every other score, so
  // the store's own order is not the sessions' order.
  await writeTransaction(s.db, (trx) =>
    upsertResponse(
      trx,
      'test',
      { sessionId: `${CLIENTS[0]}/1`, instrument: 'wai-sr', form: 'client', respondent: 'client', items: { '1': 4 } },
      ['task', 'goal', 'total', 'bond'].map((scale) => ({ scale, ...score() })),
    ),
  );
  return s;
}

/** The bulk path on SQLite (as the benchmarks seed), the per-row writers on PostgreSQL, which has no bulk path. */
async function seed(s: Study, sessions: BulkSession[]): Promise<void> {
  if (s.sqlite) {
    await insertSessionsBulk(s.sqlite, 'test', sessions);
    return;
  }
  await writeTransaction(s.db, async (trx) => {
    for (const { session, responses } of sessions) {
      const sessionId = await ensureSession(trx, session);
      for (const { response, scores } of responses)
        await upsertResponse(trx, 'test', { ...response, sessionId }, scores);
    }
  });
}

async function streamed(
  s: Pick<Study, 'db' | 'sqlite'>,
  filter: ScoreFilter,
  batch: { clientsPerBatch?: number; sessionsPerBatch?: number } = {},
) {
  const rows: ScoreRow[] = [];
  const n = await forEachScore(s, filter, (r) => rows.push(r), batch);
  expect(n).toBe(rows.length);
  return rows;
}

const FILTERS: ScoreFilter[] = [
  {},
  { sources: ['coder'] },
  { sources: ['self-report'], scale: 'total' },
  { sources: ['rater', 'coder'] },
  { raters: ['client', 'lexicon'], instrument: 'wai-o-s' },
  { clients: ['C2', 'two\nlines'], sessions: { from: 2 } },
  { therapists: ['T1'], form: 'observer' },
  { sessions: { to: 1 }, sources: ['self-report'] },
];

describe.each(storeKinds)('forEachScore on %s', (kind) => {
  useStore(kind);

  it('gives every filter exactly the rows queryScores gives, in its order, from the store and in client batches', async () => {
    const s = await study();
    try {
      const all = await queryScores(s.db);
      // More rows than one batch of the batched path holds, and the order is not the store's insertion order.
      expect(all.length).toBeGreaterThan(150);
      expect(all.filter((r) => r.source === 'rater').map((r) => r.replicate)).toContain(2);
      for (const filter of FILTERS) {
        const expected = await queryScores(s.db, filter);
        expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
        // On PostgreSQL `s` has no SQLite handle, so this is the batched path too, with its default batch.
        expect(await streamed(s, filter), JSON.stringify(filter)).toEqual(expected);
        // SQLite's client ranges: one session each (cut at whole clients, so three), and a range across clients.
        for (const sessionsPerBatch of [1, 4])
          expect(await streamed(s, filter, { sessionsPerBatch }), JSON.stringify(filter)).toEqual(expected);
        for (const clientsPerBatch of [1, 4])
          expect(
            await streamed({ db: s.db, sqlite: null }, filter, { clientsPerBatch }),
            JSON.stringify(filter),
          ).toEqual(expected);
      }
    } finally {
      await s.close();
    }
  });

  it('gives the same scores a batch at a time, as typed arrays of session ranks, key ids and values', async () => {
    const s = await study();
    try {
      for (const filter of FILTERS) {
        const expected = await queryScores(s.db, filter);
        for (const opts of [{}, { sessionsPerBatch: 1 }, { sessionsPerBatch: 5 }, { clientsPerBatch: 2 }]) {
          const rows: ScoreRow[] = [];
          let batches = 0;
          const n = await forEachScoreBatch(
            opts.clientsPerBatch ? { db: s.db, sqlite: null } : s,
            filter,
            (b) => {
              batches++;
              for (let i = 0; i < b.n; i++) {
                const f = b.flags[i]!;
                rows.push(
                  scoreRow(
                    b.sessions[b.session[i]!]!,
                    b.keys[b.key[i]!]!,
                    b.scoreAt(i),
                    b.pompAt(i),
                    (f & 1) === 1,
                    (f & 2) === 2,
                  ),
                );
              }
            },
            opts,
          );
          const label = JSON.stringify({ filter, opts });
          expect(rows, label).toEqual(expected);
          expect(n, label).toBe(expected.length);
          // A pass of one session on SQLite: as many batches as sessions with scores.
          if (opts.sessionsPerBatch === 1 && s.sqlite)
            expect(batches, label).toBe(new Set(expected.map((r) => r.session_id)).size);
        }
      }
    } finally {
      await s.close();
    }
  });

  // SQLite steps one statement, which holds one snapshot; PostgreSQL reads a batch of clients per query.
  if (kind === 'postgres')
    it('reads one snapshot across its batches: a session written meanwhile is not half seen', async () => {
      const s = await study();
      const writer = await openStudy(s.dir);
      try {
        const before = await queryScores(s.db);
        // Once the sessions are read, another connection adds a session of the client that comes last.
        let wrote: Promise<void> | undefined;
        const late: KyselyPlugin = {
          transformQuery: (a) => a.node,
          transformResult: async (a) => {
            wrote ??= seed(writer, [
              {
                session: { client: 'Ärger', therapist: 'T1', session: 4 },
                responses: [
                  {
                    response: { instrument: 'wai-sr', form: 'client', respondent: 'client', items: { '1': 3 } },
                    scores: [{ scale: 'total', score: 3, pomp: 50, prorated: false, missing: false }],
                  },
                ],
              },
            ]);
            await wrote;
            return a.result;
          },
        };
        expect(await streamed({ db: s.db.withPlugin(late), sqlite: null }, {}, { clientsPerBatch: 1 })).toEqual(before);
        expect((await queryScores(s.db)).length).toBe(before.length + 1);
      } finally {
        await writer.close();
        await s.close();
      }
    });

  it('writes export scores files byte for byte as the in-memory formatting does, long and wide', async () => {
    const s = await study();
    try {
      const dir = tempDir('score-stream-out-');
      for (const filter of [{}, { sources: ['self-report'] }] as ScoreFilter[]) {
        const rows = await queryScores(s.db, filter);
        const long = join(dir, 'long.csv');
        expect(await writeScoresCsv(s, filter, long, false)).toBe(rows.length);
        expect(readFileSync(long, 'utf8')).toBe(scoresCsv(rows));
        const wide = widenScores(rows);
        const wideFile = join(dir, 'wide.csv');
        expect(await writeScoresCsv(s, filter, wideFile, true)).toBe(wide.rows.length);
        expect(readFileSync(wideFile, 'utf8')).toBe(toCsv(wide.header, wide.rows));
      }
    } finally {
      await s.close();
    }
  });
});
