import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../../test/support/temp-dir';
import { insertSessionsBulk } from '../../store/bulk-responses';
import { queryScores } from '../../store/scores';
import { initStudy } from '../../store/study';
import { columnsFor, TABLES } from './columns';
import { datasetContext, writeScoreTables } from './score-tables';
import { NEVER_EMPTY } from './scores-table';
import { TableWriter } from './table-writer';

const SCORES = TABLES.find((t) => t.name === 'scores')!;

/** Ids that need quoting or sort differently as bytes, respondents whose names hold commas and quotes. */
const CLIENTS = ['C10', 'C2', 'say "hi", ok', 'two\nlines', 'Ärger'];
const RESPONDENTS = ['client', 'therapist', 'k,1', 'k"2'];
// Missing, binary noise, tiny, large, negative zero, negatives, many decimals, integers past 2^53 and 1e21.
const VALUES = [null, 0.1 + 0.2, 1e-7, 123456789.123, -0, 41 / 3, 5, -2.5, -17, 1 / 3, -(2 ** 53), 1e21, 4096];

const buffer = (file: string) => {
  const b = readFileSync(file);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};
const parquet = (file: string) => parquetReadObjects({ file: buffer(file) });
const schema = (file: string) => parquetMetadata(buffer(file)).schema;

describe('the scores table', () => {
  for (const identified of [false, true])
    it(`writes the bytes and values TableWriter writes from queryScores' rows (${identified ? 'identified' : 'de-identified'})`, async () => {
      const dir = tempDir('scores-table-');
      const study = await initStudy(join(dir, 's'), { name: 'S' });
      try {
        let i = 0;
        const value = () => VALUES[i++ % VALUES.length]!;
        await insertSessionsBulk(
          study.sqlite!,
          'test',
          CLIENTS.flatMap((client, c) =>
            [1, 2, 10].map((session) => ({
              session: { client, therapist: `T${c % 2}`, session, date: `2026-01-${10 + session}` },
              responses: RESPONDENTS.map((respondent, r) => ({
                response: {
                  instrument: r < 2 ? 'wai-sr' : 'wai-o-s',
                  form: r < 2 ? respondent : 'observer',
                  respondent,
                  items: {},
                },
                scores: ['total', 'bond', 'goal'].map((scale) => {
                  const score = value();
                  return { scale, score, pomp: value(), prorated: i % 3 === 0, missing: score === null };
                }),
              })),
            })),
          ),
        );
        const ctx = await datasetContext(study, { identified, includeText: false });
        const fast = join(dir, 'fast');
        const slow = join(dir, 'slow');
        for (const d of [fast, slow]) mkdirSync(d);
        const tables = await writeScoreTables(study, fast, ctx, ['csv', 'parquet']);

        const rows = await queryScores(study.db);
        const reference = new TableWriter(slow, 'scores', columnsFor(SCORES, ctx), ['csv', 'parquet']);
        for (const r of rows) {
          const k = ctx.sessions.get(r.session_id)!;
          reference.add({
            ...r,
            client: k.client,
            session: k.session,
            rater_or_respondent: r.rater,
            prorated: r.prorated ? 1 : 0,
            missing: r.missing ? 1 : 0,
          });
        }
        reference.close();

        expect(tables.scores.rows).toBe(rows.length);
        expect(readFileSync(join(fast, 'scores.csv'), 'utf8')).toBe(readFileSync(join(slow, 'scores.csv'), 'utf8'));
        expect(tables.scores.written['scores.csv']).toEqual(reference.written['scores.csv']);
        expect(await parquet(join(fast, 'scores.parquet'))).toEqual(await parquet(join(slow, 'scores.parquet')));
        // The same columns and types; only score and pomp can be empty, so only they are OPTIONAL.
        expect(schema(join(fast, 'scores.parquet'))).toEqual(
          schema(join(slow, 'scores.parquet')).map((e) =>
            NEVER_EMPTY.has(e.name) ? { ...e, repetition_type: 'REQUIRED' } : e,
          ),
        );
        // The self-reported totals the rupture rule screens: queryScores' rows, in its order.
        expect(tables.selfTotals).toEqual(
          rows.filter((r) => r.source === 'self-report' && r.scale === 'total' && r.score !== null),
        );
      } finally {
        await study.close();
      }
    });
});
