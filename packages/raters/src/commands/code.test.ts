import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openStudy, parseCsv, readUtteranceCodes } from '@alliance-lab/core';
import { runCli } from '../testing/run-cli';
import { afterEach, describe, expect, it } from 'vitest';
import { createFixtureStudy } from '../testing/study-fixture';
import { CODE_COLUMNS } from './code';
import { storeKinds, useStore } from '../../../../test/support/stores';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(dirname(d), { recursive: true, force: true });
});

async function studyDir() {
  const { dir, study } = await createFixtureStudy({
    clients: 2,
    sessionsPerClient: 1,
    raters: { lexicon: { provider: 'lexicon' } },
  });
  await study.close();
  dirs.push(dir);
  return dir;
}

describe.each(storeKinds)('alliance code on %s', (kind) => {
  useStore(kind);
  it('writes one row per utterance, stores the codes, and changes nothing when run again', async () => {
    const dir = await studyDir();
    const out = join(dir, 'codes.csv');
    const first = await runCli(['code', '--study', dir, '--out', out, '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ sessions: 2, utterances: 12, stored: 2 });
    const csv = readFileSync(out, 'utf8');
    const [header, ...rows] = parseCsv(csv).map((r) => r.fields);
    expect(header).toEqual(CODE_COLUMNS);
    expect(rows).toHaveLength(12);
    const byId = new Map(rows.filter((r) => r[0] === 'C01').map((r) => [r[2], r]));
    // "How was your week?" is a question; "It sounds like a heavy week." opens a reflection.
    expect(byId.get('u1')!.slice(3, 5)).toEqual(['therapist', 'question']);
    expect(byId.get('u1')![5]).toMatch(/^(open|closed)$/);
    for (const r of rows) {
      expect(
        r[3] === 'therapist' ? ['reflection', 'question', 'input', 'other'] : ['change', 'sustain', 'neutral'],
      ).toContain(r[4]);
      const p = Number(r[6]);
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThanOrEqual(1);
    }

    const study = await openStudy(dir);
    try {
      const t = await study.db
        .selectFrom('transcripts')
        .select('id')
        .where('session_id', '=', 'C01/1')
        .executeTakeFirstOrThrow();
      const stored = await readUtteranceCodes(study, t.id);
      // The CSV holds what the store holds, probabilities to the last digit.
      expect(stored.map((c) => [c.utteranceId, c.code, c.subcode ?? '', String(c.probability)])).toEqual(
        rows.filter((r) => r[0] === 'C01').map((r) => [r[2], r[4], r[5], r[6]]),
      );
      const audits = await study.db.selectFrom('audit').selectAll().where('entity', '=', 'utterance-codes').execute();
      expect(audits).toHaveLength(2);
    } finally {
      await study.close();
    }

    const again = await runCli(['code', '--study', dir, '--out', out, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ sessions: 2, utterances: 12, stored: 0 });
    expect(readFileSync(out, 'utf8')).toBe(csv);
    const study2 = await openStudy(dir);
    try {
      expect(
        await study2.db
          .selectFrom('utterance_codes')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirst(),
      ).toMatchObject({ n: 12 });
      expect(
        await study2.db.selectFrom('audit').selectAll().where('entity', '=', 'utterance-codes').execute(),
      ).toHaveLength(2);
    } finally {
      await study2.close();
    }
  }, 30_000);

  it('codes only the sessions asked for, and names a session that is not there', async () => {
    const dir = await studyDir();
    const out = join(dir, 'c02.csv');
    const res = await runCli(['code', '--study', dir, '--sessions', 'C02', '--out', out, '--json']);
    expect(res.code).toBe(0);
    expect(
      new Set(
        parseCsv(readFileSync(out, 'utf8'))
          .slice(1)
          .map((r) => r.fields[0]),
      ),
    ).toEqual(new Set(['C02']));
    const bad = await runCli(['code', '--study', dir, '--sessions', 'C09', '--out', join(dir, 'x.csv')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no transcript in the study for "C09"/);
    // A run that fails writes no CSV, not even a half one.
    expect(readdirSync(dir).filter((f) => f.startsWith('x.csv'))).toEqual([]);
  }, 30_000);

  it('codes with another guards file when given one, storing anew, and names a broken one', async () => {
    const dir = await studyDir();
    const out = join(dir, 'codes.csv');
    expect(JSON.parse((await runCli(['code', '--study', dir, '--out', out, '--json'])).stdout)).toMatchObject({
      stored: 2,
      guards: 'reflection-guards-1',
    });
    const none = join(dir, 'no-guards.json');
    writeFileSync(none, JSON.stringify({ version: 'none', description: 'no guards', openings: [], guards: [] }));
    const off = await runCli(['code', '--study', dir, '--out', out, '--guards', none, '--json']);
    expect(off.code).toBe(0);
    // Other guards are another coder: its codes are stored in place of the shipped one's.
    expect(JSON.parse(off.stdout)).toMatchObject({ sessions: 2, stored: 2, guards: 'none' });
    const text = await runCli(['code', '--study', dir, '--out', out, '--guards', none]);
    expect(text.stdout).toMatch(/^annomi-coder-1 with none: coded 12 utterances of 2 sessions \(0 stored anew\)/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ version: 'x', description: 'x', openings: [], guards: [{ id: 'a' }] }));
    const bad = await runCli(['code', '--study', dir, '--out', out, '--guards', broken]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/broken\.json.*guards\.0\./);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 30_000);

  it('needs --out, and a file there rather than a folder', async () => {
    const dir = await studyDir();
    const res = await runCli(['code', '--study', dir]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--out/);
    const folder = join(dir, 'codes');
    mkdirSync(folder);
    const bad = await runCli(['code', '--study', dir, '--out', folder]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--out .*codes is a folder; give a file/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
