import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toCsv } from '@alliance-lab/core';
import { tempDir } from './support/temp-dir';

const HEADER = [
  'transcript_id',
  'mi_quality',
  'video_title',
  'video_url',
  'topic',
  'utterance_id',
  'interlocutor',
  'timestamp',
  'utterance_text',
  'main_therapist_behaviour',
  'client_talk_type',
];

/** Sessions in AnnoMI's shape, written here (no AnnoMI text): the "high" ones reflect and ask permission, the "low" ones direct and warn. */
const HIGH = [
  ['therapist', 'What brings you in today?'],
  ['client', 'My doctor says my drinking is too high and I guess I have been worried about it too.'],
  ['therapist', 'It sounds like part of you is already concerned. Is it okay if we look at that together?'],
  ['client', 'Yes, I want to cut down before the summer.'],
  ['therapist', "You've already thought about this. What would a first step look like for you?"],
  ['client', 'Maybe no wine on weeknights. I could try that.'],
];
const LOW = [
  ['therapist', 'Your results are bad. You need to stop drinking.'],
  ['client', 'It is not that bad.'],
  ['therapist', "You have to quit. If you don't, it's going to get worse and it's dangerous."],
  ['client', 'Okay.'],
];

function writeCorpus(dir: string): string {
  const rows: Array<Record<string, string>> = [];
  const add = (id: number, quality: string, talk: string[][]) =>
    talk.forEach(([who, text], i) => {
      const cells = [
        String(id),
        quality,
        `demo ${id}`,
        'https://example.org',
        'alcohol',
        String(i),
        who!,
        `00:00:${String(10 + i).padStart(2, '0')}`,
        text!,
        'n/a',
        'n/a',
      ];
      rows.push(Object.fromEntries(HEADER.map((h, k) => [h, cells[k]!])));
    });
  add(0, 'high', HIGH);
  add(1, 'low', LOW);
  add(2, 'high', HIGH.slice(2));
  add(3, 'low', LOW.slice(0, 2));
  add(4, 'high', HIGH.slice(0, 4));
  const file = join(dir, 'AnnoMI-simple.csv');
  writeFileSync(file, toCsv(HEADER, rows));
  return file;
}

const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-annomi.ts', ...args], {
    encoding: 'utf8',
    cwd: join(__dirname, '..'),
  });

describe('npm run check:annomi', () => {
  it('imports an AnnoMI-shaped folder, rates it with lexicon and reports AUCs with seeded intervals', () => {
    const dir = tempDir('annomi-');
    writeCorpus(dir);
    const res = run(dir, '--json', '--resamples', '200', '--seed', '5');
    expect(res.stderr).not.toMatch(/Error/);
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout) as {
      sessions: number;
      auc: Record<string, { estimate: number; ci: number[]; nPositive: number; nNegative: number; method: string }>;
    };
    expect(out.sessions).toBe(5);
    expect(Object.keys(out.auc)).toEqual(['relationship', 'collaboration', 'composite', 'waiOS', 'length']);
    expect(out.auc.composite).toMatchObject({ estimate: 1, nPositive: 3, nNegative: 2 });
    expect(out.auc.collaboration!.estimate).toBe(1);
    expect(out.auc.composite!.method).toMatch(/200 resamples, seed 5/);
    // Seeded: the same call gives the same intervals.
    expect(JSON.parse(run(dir, '--json', '--resamples', '200', '--seed', '5').stdout)).toEqual(out);
    // Nothing of the transcripts reaches the output.
    expect(res.stdout + res.stderr).not.toMatch(/drinking|weeknights/);
  }, 60_000);

  it('accepts the CSV itself and prints a table', () => {
    const file = writeCorpus(tempDir('annomi-'));
    const res = run(file, '--resamples', '100');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/AnnoMI: 5 sessions, 3 high and 2 low quality/);
    expect(res.stdout).toMatch(/transcript length alone \(utterances\)\s+\d\.\d{3}\s+\[\d\.\d{3}, \d\.\d{3}\]/);
  }, 60_000);

  it('exits 1 for a missing file and 2 for a usage error', () => {
    const missing = run(join(tmpdir(), 'no-such-annomi'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/not found; give the AnnoMI folder or the path of AnnoMI-simple\.csv/);
    const usage = run();
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^usage: npm run check:annomi/);
  }, 60_000);
});
