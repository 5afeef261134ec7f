import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditTrail } from '../../store/audit';
import { ensureSession } from '../../store/sessions';
import { studyCounts } from '../../store/status';
import { initStudy, type Study } from '../../store/study';
import { loadResponseForm } from './form-engine';
import { FIXTURES } from './test-input';
import { importResponses, type ImportResponsesRequest } from '.';
import { tempDir } from '../../../../../test/support/temp-dir';
import { storeKinds, useStore } from '../../../../../test/support/stores';

const fresh = () => initStudy(join(tempDir('import-responses-'), 'study'), { name: 'T' }, { actor: 'tester' });
const fixture = (name: string) => join(FIXTURES, name);
const tmp = (name: string, text: string) => {
  const p = join(tempDir('resp-'), name);
  writeFileSync(p, text);
  return p;
};
const run = (s: Study, file: string, instrument: string, form: string, extra: Partial<ImportResponsesRequest> = {}) =>
  importResponses(s, { file, form: loadResponseForm(s.dir, instrument, form), ...extra });

async function snapshot(s: Study) {
  return {
    counts: await studyCounts(s.db),
    audit: await s.db.selectFrom('audit').selectAll().orderBy('id').execute(),
    responses: await s.db.selectFrom('responses').selectAll().orderBy('id').execute(),
    scores: await s.db.selectFrom('scores').selectAll().orderBy('source_id').orderBy('scale').execute(),
    sessions: await s.db.selectFrom('sessions').selectAll().orderBy('id').execute(),
  };
}

const scoresOf = async (s: Study, sourceId: string) =>
  Object.fromEntries(
    (
      await s.db
        .selectFrom('scores')
        .selectAll()
        .where('source', '=', 'response')
        .where('source_id', '=', sourceId)
        .execute()
    ).map((r) => [r.scale, { score: r.score, pomp: r.pomp, prorated: r.prorated, missing: r.missing }]),
  );

describe.each(storeKinds)('importing responses on %s', (kind) => {
  useStore(kind);
  it('stores and scores a wide WAI-SR file, creating its sessions, and audits each insert', async () => {
    const s = await fresh();
    const out = await run(s, fixture('wai-sr-wide.csv'), 'wai-sr', 'client');
    expect(out).toMatchObject({
      format: 'wide',
      rows: 12,
      responses: 12,
      inserted: 12,
      updated: 0,
      unchanged: 0,
      scored: 12,
      sessionsCreated: 12,
      errors: [],
    });
    expect(await studyCounts(s.db)).toMatchObject({ clients: 4, therapists: 2, sessions: 12, responses: 12 });
    // C001 session 1: 3,4,3,3,3,3,4,4,4,4,4,4 → task 1,2,10,12 = 15; bond 3,5,7,9 = 14; goal 4,6,8,11 = 14
    expect(await scoresOf(s, 'C001/1/wai-sr/client/client')).toEqual({
      task: { score: 15, pomp: 68.75, prorated: 0, missing: 0 },
      bond: { score: 14, pomp: 62.5, prorated: 0, missing: 0 },
      goal: { score: 14, pomp: 62.5, prorated: 0, missing: 0 },
      total: { score: 43, pomp: 64.583333333, prorated: 0, missing: 0 },
    });
    // C002 session 2 left item 9 (bond) blank: bond prorated from 5,4,5 → 14/3 × 4
    const c2 = await scoresOf(s, 'C002/2/wai-sr/client/client');
    expect(c2.bond).toMatchObject({ score: 18.666666667, prorated: 1 });
    const row = await s.db
      .selectFrom('responses')
      .selectAll()
      .where('id', '=', 'C002/2/wai-sr/client/client')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.items)).toMatchObject({ '8': 5, '9': null, '10': 5 });
    expect(row).toMatchObject({ respondent: 'client', source: 'wai-sr-wide.csv' });
    const trail = await auditTrail(s.db, 'response');
    expect(trail).toHaveLength(12);
    expect(trail[0]).toMatchObject({ actor: 'tester', action: 'insert', before: null });
    expect(
      (await s.db.selectFrom('sessions').selectAll().where('id', '=', 'C003/2').executeTakeFirstOrThrow()).date,
    ).toBe('2026-01-21');
    await s.close();
  });

  it('changes nothing on an identical re-import; changed values are refused without --replace, audited with it', async () => {
    const s = await fresh();
    await run(s, fixture('wai-sr-wide.csv'), 'wai-sr', 'client');
    const before = await snapshot(s);
    const again = await run(s, fixture('wai-sr-wide.csv'), 'wai-sr', 'client');
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 12, scored: 0, sessionsCreated: 0 });
    expect(await snapshot(s)).toEqual(before);

    // C004 session 3 corrects item 12 from 3 to 5
    const corrected = readFileSync(fixture('wai-sr-wide.csv'), 'utf8').replace(
      'C004,T02,3,2026-01-29,5,5,5,5,5,5,5,5,5,5,5,3',
      'C004,T02,3,2026-01-29,5,5,5,5,5,5,5,5,5,5,5,5',
    );
    const changed = tmp(
      'wai-sr-wide.csv',
      corrected.replace('C001,T01,1,2026-01-12,3,4,3', 'C001,T01,1,2026-01-12,5,4,3'),
    );
    const refused = await run(s, changed, 'wai-sr', 'client');
    expect(refused.errors).toEqual([
      {
        file: 'wai-sr-wide.csv',
        line: 2,
        message:
          'client C001 session 1 (client) is already stored with other values (item 1 differs); give --replace to overwrite the stored response (the audit keeps both)',
      },
      {
        file: 'wai-sr-wide.csv',
        line: 13,
        message:
          'client C004 session 3 (client) is already stored with other values (item 12 differs); give --replace to overwrite the stored response (the audit keeps both)',
      },
    ]);
    expect(await snapshot(s)).toEqual(before);

    const dry = await run(s, changed, 'wai-sr', 'client', { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, inserted: 0, updated: 2, unchanged: 10, errors: [] });
    expect(await snapshot(s)).toEqual(before);

    const out = await run(s, tmp('wai-sr-wide.csv', corrected), 'wai-sr', 'client', { replace: true });
    expect(out).toMatchObject({ inserted: 0, updated: 1, unchanged: 11, scored: 1 });
    const trail = await auditTrail(s.db, 'response', 'C004/3/wai-sr/client/client');
    expect(trail.map((t) => t.action)).toEqual(['insert', 'update']);
    expect((trail[1]!.before as { items: Record<string, number> }).items['12']).toBe(3);
    expect((trail[1]!.after as { items: Record<string, number> }).items['12']).toBe(5);
    expect((await scoresOf(s, 'C004/3/wai-sr/client/client')).total).toMatchObject({ score: 60, pomp: 100 });
    await s.close();
  });

  it('imports a long SRS file with decimals and submission times', async () => {
    const s = await fresh();
    const out = await run(s, fixture('srs-long.csv'), 'srs', 'client');
    expect(out).toMatchObject({ format: 'long', rows: 24, responses: 6, inserted: 6, scored: 6 });
    expect((await scoresOf(s, 'C001/1/srs/client/client')).total).toEqual({
      score: 33.3,
      pomp: 83.25,
      prorated: 0,
      missing: 0,
    });
    const r = await s.db
      .selectFrom('responses')
      .select(['submitted_at', 'items'])
      .where('id', '=', 'C003/2/srs/client/client')
      .executeTakeFirstOrThrow();
    expect(r.submitted_at).toBe('2026-01-21T19:52:00Z');
    expect(JSON.parse(r.items)).toEqual({ '1': 7.6, '2': 7.6, '3': 7.3, '4': 7.5 });
    await s.close();
  });

  it('stores coders beside each other as observer respondents, with their own scores', async () => {
    const s = await fresh();
    const out = await run(s, fixture('coders-wai-o-s.csv'), 'wai-o-s', 'observer');
    expect(out).toMatchObject({ responses: 6, inserted: 6, scored: 6, sessionsCreated: 3 });
    const rows = await s.db
      .selectFrom('responses')
      .select(['session_id', 'respondent', 'form'])
      .orderBy('id')
      .execute();
    expect(rows.map((r) => `${r.session_id} ${r.form} ${r.respondent}`)).toEqual([
      'C001/1 observer K01',
      'C001/1 observer K02',
      'C002/2 observer K01',
      'C002/2 observer K02',
      'C003/1 observer K01',
      'C003/1 observer K02',
    ]);
    const k1 = await scoresOf(s, 'C001/1/wai-o-s/observer/K01');
    const k2 = await scoresOf(s, 'C001/1/wai-o-s/observer/K02');
    expect(Object.keys(k1).sort()).toEqual(Object.keys(k2).sort());
    expect(k1.total!.score).not.toBe(k2.total!.score);
    await s.close();
  });

  it('imports a REDCap export with its dictionary, and SRS from the same export', async () => {
    const s = await fresh();
    const wai = await run(s, fixture('redcap-export.csv'), 'wai-sr', 'client', {
      dictionary: fixture('redcap-dictionary.csv'),
      columns: { date: 'session_date' },
    });
    expect(wai).toMatchObject({
      format: 'redcap',
      rows: 12,
      skipped: 4,
      responses: 8,
      inserted: 8,
      sessionsCreated: 8,
    });
    const srs = await run(s, fixture('redcap-export.csv'), 'srs', 'client', {
      dictionary: fixture('redcap-dictionary.csv'),
    });
    expect(srs).toMatchObject({ responses: 8, inserted: 8, sessionsCreated: 0 });
    expect((await scoresOf(s, 'R-101/1/srs/client/client')).total!.score).toBe(33.5);
    const session = await s.db.selectFrom('sessions').selectAll().where('id', '=', 'R-102/2').executeTakeFirstOrThrow();
    expect(session).toMatchObject({ therapist_id: 'T02', date: '2026-02-17', session_index: 2 });
    await s.close();
  });

  it('imports a Qualtrics export, guessing the format and skipping the preview and the unfinished response', async () => {
    const s = await fresh();
    const out = await run(s, fixture('qualtrics-export.csv'), 'wai-sr', 'client');
    expect(out).toMatchObject({ format: 'qualtrics', rows: 6, skipped: 2, responses: 4, inserted: 4 });
    const r = await s.db
      .selectFrom('responses')
      .select(['submitted_at'])
      .where('id', '=', 'C101/2/wai-sr/client/client')
      .executeTakeFirstOrThrow();
    expect(r.submitted_at).toBe('2026-03-09T20:13:22.000Z');
    expect((await scoresOf(s, 'C102/2/wai-sr/client/client')).bond).toMatchObject({ prorated: 1 });
    await s.close();
  });

  it('tells a Qualtrics user to export numeric values when the export holds choice text', async () => {
    const s = await fresh();
    const text = readFileSync(fixture('qualtrics-export.csv'), 'utf8').replace(
      'anonymous,EN,4,4,3,',
      'anonymous,EN,Very often,4,3,',
    );
    const out = await run(s, tmp('labels.csv', text), 'wai-sr', 'client');
    expect(out.errors).toEqual([
      {
        file: 'labels.csv',
        line: 5,
        column: 'Q1_1',
        message: 'item 1: "Very often" is not a number (export the responses with "Use numeric values")',
      },
    ]);
    await s.close();
  });

  it('needs a therapist for a new session: from the row, else --therapist, else an error naming the row', async () => {
    const s = await fresh();
    const file = tmp('new.csv', 'client,session,1,2,3,4\nC9,1,5,5,5,5\nC9,2,4,5,5,5\n');
    const refused = await run(s, file, 'srs', 'client');
    expect(refused.errors).toEqual([
      {
        file: 'new.csv',
        line: 2,
        message: 'client C9 session 1 is not in the study yet and this input names no therapist',
      },
      {
        file: 'new.csv',
        line: 3,
        message: 'client C9 session 2 is not in the study yet and this input names no therapist',
      },
    ]);
    expect((await studyCounts(s.db)).sessions).toBe(0);
    await ensureSession(s.db, { client: 'C9', therapist: 'T7', session: 1 });
    const withOption = await run(s, file, 'srs', 'client', { therapist: 'T8' });
    expect(withOption).toMatchObject({ inserted: 2, sessionsCreated: 1 });
    const sessions = await s.db.selectFrom('sessions').select(['id', 'therapist_id']).orderBy('id').execute();
    expect(sessions).toEqual([
      { id: 'C9/1', therapist_id: 'T7' },
      { id: 'C9/2', therapist_id: 'T8' },
    ]);
    await s.close();
  });

  it('refuses the same questionnaire twice in one file', async () => {
    const s = await fresh();
    const out = await run(
      s,
      tmp('twice.csv', 'client,session,therapist,1,2,3,4\nC1,1,T1,5,5,5,5\nC1,1,T1,6,5,5,5\n'),
      'srs',
      'client',
    );
    expect(out.errors).toEqual([
      { file: 'twice.csv', line: 3, message: 'client C1 session 1 (client) is also on line 2; keep one' },
    ]);
    expect(out.inserted).toBe(0);
    expect((await studyCounts(s.db)).responses).toBe(0);
    await s.close();
  });
});

describe.each(storeKinds)('malformed response files change nothing on %s', (kind) => {
  useStore(kind);
  let s: Study;
  let before: Awaited<ReturnType<typeof snapshot>>;
  beforeAll(async () => {
    s = await fresh();
    await run(s, fixture('wai-sr-wide.csv'), 'wai-sr', 'client');
    await run(s, fixture('srs-long.csv'), 'srs', 'client');
    before = await snapshot(s);
    expect(before.audit.length).toBe(18);
  });

  const rowErrors: Array<
    [string, string, string, Partial<ImportResponsesRequest>, Array<{ line: number; column?: string; message: RegExp }>]
  > = [
    [
      'out-of-range.csv',
      'wai-sr',
      'client',
      {},
      [
        { line: 3, column: '6', message: /^item 6: 6 is above the scale maximum 5$/ },
        { line: 4, column: '12', message: /^item 12: 0 is below the scale minimum 1$/ },
      ],
    ],
    [
      'non-numeric.csv',
      'wai-sr',
      'client',
      {},
      [{ line: 3, column: '3', message: /^item 3: "often" is not a number$/ }],
    ],
    ['missing-id.csv', 'wai-sr', 'client', {}, [{ line: 3, column: 'client', message: /^the client id is empty$/ }]],
    ['unknown-item-long.csv', 'srs', 'client', {}, [{ line: 5, column: 'item', message: /^unknown item "5"/ }]],
  ];
  for (const [file, instrument, form, extra, expected] of rowErrors) {
    it(`${file}: every problem reported with line and column, store untouched`, async () => {
      const out = await run(s, fixture(`malformed/${file}`), instrument, form, extra);
      expect(out.inserted + out.updated + out.unchanged + out.scored).toBe(0);
      expect(out.errors).toHaveLength(expected.length);
      out.errors.forEach((e, i) => {
        expect(e.file).toBe(file);
        expect(e.line).toBe(expected[i]!.line);
        expect(e.column).toBe(expected[i]!.column);
        expect(e.message).toMatch(expected[i]!.message);
      });
      expect(await snapshot(s)).toEqual(before);
    });
  }

  const fileErrors: Array<[string, string, Partial<ImportResponsesRequest>, RegExp]> = [
    ['unknown-item.csv', 'wai-sr', {}, /unknown-item\.csv, line 1, column "13": column "13" is neither an id column/],
    [
      'broken-quoting.csv',
      'wai-sr',
      {},
      /broken-quoting\.csv, line 3: a quoted field opened at column 12 is never closed/,
    ],
    ['latin1.csv', 'wai-sr', {}, /latin1\.csv, line 3: not valid UTF-8 text/],
    ['empty.csv', 'wai-sr', {}, /empty\.csv, line 1: the file is empty/],
    ['header-only.csv', 'wai-sr', {}, /header-only\.csv, line 2: the file has a header but no data rows/],
    [
      'qualtrics-no-importid-row.csv',
      'wai-sr',
      { format: 'qualtrics' },
      /qualtrics-no-importid-row\.csv, line 3: expected Qualtrics' three header rows/,
    ],
  ];
  for (const [file, instrument, extra, message] of fileErrors) {
    it(`${file}: refused with file and line, store untouched`, async () => {
      await expect(run(s, fixture(`malformed/${file}`), instrument, 'client', extra)).rejects.toThrow(message);
      expect(await snapshot(s)).toEqual(before);
    });
  }

  it('a REDCap dictionary coded 0–4 for a 1–5 scale: every bad code reported, store untouched', async () => {
    const out = await run(s, fixture('redcap-export.csv'), 'wai-sr', 'client', {
      dictionary: fixture('malformed/redcap-dictionary-zero-based.csv'),
    });
    expect(out.errors).toHaveLength(12);
    expect(out.errors[0]).toEqual({
      file: 'redcap-dictionary-zero-based.csv',
      line: 6,
      column: 'Choices, Calculations, OR Slider Labels',
      message: 'field wai_1 (item 1) has choice code 0, which the scale does not allow: 0 is below the scale minimum 1',
    });
    expect(await snapshot(s)).toEqual(before);
  });

  it('a session recorded with another therapist: the row is named, nothing of the file is kept', async () => {
    const text = readFileSync(fixture('wai-sr-wide.csv'), 'utf8')
      .replace('C004,T02,2,', 'C004,T01,2,')
      .replace('C004,T02,3,2026-01-29,5', 'C004,T02,3,2026-01-29,4');
    const out = await run(s, tmp('conflict.csv', text), 'wai-sr', 'client');
    expect(out.errors).toEqual([
      {
        file: 'conflict.csv',
        line: 12,
        message: 'client C004 session 2 is recorded with therapist T02, but this input says T01',
      },
    ]);
    expect(await snapshot(s)).toEqual(before);
  });

  it('a file copied under a new name imports unchanged (sources do not count as changes)', async () => {
    const copy = join(tempDir('copy-'), 'renamed.csv');
    copyFileSync(fixture('wai-sr-wide.csv'), copy);
    expect(await run(s, copy, 'wai-sr', 'client')).toMatchObject({ unchanged: 12, inserted: 0, updated: 0 });
    expect(await snapshot(s)).toEqual(before);
  });
});

describe('wide files with a --map', () => {
  it("reads a lab's own column names as items, and names the file's column in errors", async () => {
    const s = await fresh();
    const map = tmp('map.csv', 'column,item\nsrs_rel,1\nsrs_goals,2\nsrs_approach,3\nsrs_overall,4\n');
    const text = 'client,therapist,session,srs_rel,srs_goals,srs_approach,srs_overall\nC1,T1,1,9,8.5,7,10\n';
    const out = await run(s, tmp('srs-own.csv', text), 'srs', 'client', { map });
    expect(out).toMatchObject({ format: 'wide', inserted: 1, errors: [] });
    const row = await s.db.selectFrom('responses').select('items').executeTakeFirstOrThrow();
    expect(JSON.parse(row.items)).toEqual({ '1': 9, '2': 8.5, '3': 7, '4': 10 });
    const bad = await run(s, tmp('srs-bad.csv', text.replace('8.5', '80')), 'srs', 'client', { map });
    expect(bad.errors).toMatchObject([{ line: 2, column: 'srs_goals' }]);
    await s.close();
  });
});

describe('delimiters', () => {
  it('reads a semicolon-separated (European Excel) and a tab-separated file, and explains a joined header', async () => {
    const s = await fresh();
    const semi = 'client;therapist;session;1;2;3;4\nC1;T1;1;9;8;7;10\n';
    expect(await run(s, tmp('semi.csv', semi), 'srs', 'client')).toMatchObject({ inserted: 1, errors: [] });
    const tab = 'client\ttherapist\tsession\t1\t2\t3\t4\nC2\tT1\t1\t9\t8\t7\t10\n';
    expect(await run(s, tmp('tab.tsv', tab), 'srs', 'client')).toMatchObject({ inserted: 1, errors: [] });
    await expect(run(s, tmp('semi.csv', semi), 'srs', 'client', { delimiter: ',' })).rejects.toThrow(
      /semi\.csv, line 1.*one column joined by semicolons.*give --delimiter ';'/,
    );
    await s.close();
  });
});

describe('impossible dates', () => {
  it('refuses 2025-02-30 with file, line and column, and writes nothing', async () => {
    const s = await fresh();
    const text = 'client,therapist,session,date,1,2,3,4\nC1,T1,1,2024-02-29,5,5,5,5\nC2,T1,1,2025-02-30,5,5,5,5\n';
    const out = await run(s, tmp('feb30.csv', text), 'srs', 'client');
    expect(out.errors).toEqual([
      { file: 'feb30.csv', line: 3, column: 'date', message: '"2025-02-30" is not a day on the calendar' },
    ]);
    expect((await studyCounts(s.db)).responses).toBe(0);
    await s.close();
  });
});

describe('many problems', () => {
  it('lists the first 200 and says how many more there were', async () => {
    const s = await fresh();
    const rows = Array.from({ length: 250 }, (_, i) => `C${i},1,T1,11,5,5,5`).join('\n');
    const out = await run(s, tmp('many.csv', `client,session,therapist,1,2,3,4\n${rows}\n`), 'srs', 'client');
    expect(out.errors).toHaveLength(201);
    expect(out.errors[199]).toMatchObject({ line: 201, column: '1' });
    expect(out.errors[200]).toEqual({ file: 'many.csv', message: '… and 50 more problems' });
    await s.close();
  });
});

describe('options that do not fit the format', () => {
  it('are usage errors, not silently ignored', async () => {
    const s = await fresh();
    await expect(
      run(s, fixture('wai-sr-wide.csv'), 'wai-sr', 'client', {
        dictionary: fixture('redcap-dictionary.csv'),
        format: 'wide',
      }),
    ).rejects.toThrow(/--dictionary and --events apply to REDCap exports only/);
    await expect(
      run(s, fixture('srs-long.csv'), 'srs', 'client', { map: fixture('qualtrics-map.csv') }),
    ).rejects.toThrow(/--map applies to wide, REDCap and Qualtrics files; a long file names its items in a column/);
    await expect(run(s, fixture('redcap-export.csv'), 'wai-sr', 'client')).rejects.toThrow(
      /a REDCap export needs its data dictionary/,
    );
    await s.close();
  });
});

describe('interruption', () => {
  it('stops on an aborted signal before committing anything', async () => {
    const s = await fresh();
    const controller = new AbortController();
    controller.abort();
    await expect(run(s, fixture('wai-sr-wide.csv'), 'wai-sr', 'client', { signal: controller.signal })).rejects.toThrow(
      /import interrupted; nothing from wai-sr-wide\.csv was written/,
    );
    expect(await studyCounts(s.db)).toMatchObject({ sessions: 0, responses: 0 });
    expect(await auditTrail(s.db)).toEqual([]);
    await s.close();
  });
});
