import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { currentTranscripts, initStudy, openStudy } from '@alliance-lab/core';
import { afterEach, describe, expect, it } from 'vitest';
import { allianceProcess, type ProcessRun } from './support/alliance-process';

/**
 * Several `alliance` processes writing one SQLite study at once: each takes the write lock up front and waits its
 * turn, so all succeed; only a lock held past the timeout is an error, and it names the study.
 */
const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function newStudy(): Promise<{ root: string; dir: string }> {
  const root = mkdtempSync(join(tmpdir(), 'concurrent-'));
  temps.push(root);
  const dir = join(root, 'study');
  const study = await initStudy(dir, { name: 'concurrent writers' });
  await study.close();
  return { root, dir };
}

/** A transcript CSV of `sessions` sessions of client `client`, a few utterances each. */
function transcriptCsv(path: string, client: string, sessions: number, from = 1): string {
  const rows = ['client,therapist,session,speaker,text'];
  for (let s = from; s < from + sessions; s++) {
    for (let u = 0; u < 6; u++)
      rows.push(`${client},T1,${s},${u % 2 ? 'client' : 'therapist'},"utterance ${u} of ${client} session ${s}"`);
  }
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

async function storedSessions(dir: string): Promise<string[]> {
  const study = await openStudy(dir);
  try {
    return (await currentTranscripts(study.db)).map((t) => t.sessionId).sort();
  } finally {
    await study.close();
  }
}

function importArgs(dir: string, file: string): string[] {
  return ['import', 'transcripts', '--study', dir, file, '--json'];
}

function expectSucceeded(runs: ProcessRun[]): void {
  const failed = runs.filter((r) => r.code !== 0).map((r) => `exit ${r.code}: ${r.stderr.trim()}`);
  expect(failed).toEqual([]);
}

describe('concurrent writers on one SQLite study', () => {
  it('two transcript imports of different files at once both succeed', async () => {
    const { root, dir } = await newStudy();
    const a = transcriptCsv(join(root, 'a.csv'), 'A01', 300);
    const b = transcriptCsv(join(root, 'b.csv'), 'B01', 300);
    const runs = await Promise.all([allianceProcess(importArgs(dir, a)), allianceProcess(importArgs(dir, b))]);
    expectSucceeded(runs);
    const sessions = await storedSessions(dir);
    expect(sessions).toHaveLength(600);
    expect(sessions.filter((s) => s.startsWith('A01/'))).toHaveLength(300);
  }, 120_000);

  // Forty process starts: minutes on a loaded 2-core machine while the bin runs through tsx.
  it('forty one-session imports, four at a time, all succeed and the store holds all forty', async () => {
    const { root, dir } = await newStudy();
    const files = Array.from({ length: 40 }, (_, i) => transcriptCsv(join(root, `s${i + 1}.csv`), 'C01', 1, i + 1));
    const runs: ProcessRun[] = [];
    const queue = [...files];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let f = queue.shift(); f; f = queue.shift()) runs.push(await allianceProcess(importArgs(dir, f)));
      }),
    );
    expect(runs).toHaveLength(40);
    expectSucceeded(runs);
    expect(await storedSessions(dir)).toHaveLength(40);
  }, 900_000);

  it('a writer waits for a lock another process holds briefly, then succeeds', async () => {
    const { root, dir } = await newStudy();
    const holder = new BetterSqlite3(join(dir, 'study.sqlite'));
    try {
      holder.exec('begin immediate');
      const run = allianceProcess(importArgs(dir, transcriptCsv(join(root, 'a.csv'), 'A01', 2)), {
        ALLIANCE_LOCK_TIMEOUT_MS: '60000',
      });
      await new Promise((r) => setTimeout(r, 1500));
      holder.exec('commit');
      expectSucceeded([await run]);
    } finally {
      holder.close();
    }
    expect(await storedSessions(dir)).toHaveLength(2);
  }, 60_000);

  it('a lock held past the timeout is an error naming the busy study, and nothing is written', async () => {
    const { root, dir } = await newStudy();
    const holder = new BetterSqlite3(join(dir, 'study.sqlite'));
    let run: ProcessRun;
    try {
      holder.exec('begin immediate');
      run = await allianceProcess(importArgs(dir, transcriptCsv(join(root, 'a.csv'), 'A01', 2)), {
        ALLIANCE_LOCK_TIMEOUT_MS: '300',
      });
    } finally {
      holder.exec('rollback');
      holder.close();
    }
    expect(run.code).toBe(1);
    const error = JSON.parse(run.stdout).error;
    expect(error.kind).toBe('busy');
    expect(error.message).toContain(`study ${dir} is busy`);
    expect(error.message).toMatch(/write lock for more than 300 ms/);
    expect(await storedSessions(dir)).toEqual([]);
  }, 60_000);
});
