import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type CheckpointOutcome, startCheckpointer } from './checkpointer';
import { initStudy, type Study } from './study';
import { writeSqlite } from './write-lock';

const dirs: string[] = [];
const open: Study[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function study(): Promise<Study & { sqlite: BetterSqlite3.Database }> {
  const root = mkdtempSync(join(tmpdir(), 'checkpointer-'));
  dirs.push(root);
  const s = await initStudy(join(root, 's'), { name: 'C' });
  open.push(s);
  s.sqlite!.exec('CREATE TABLE filler (n INTEGER, payload BLOB)');
  return s as Study & { sqlite: BetterSqlite3.Database };
}

const PAGE = 4096;

describe('startCheckpointer', () => {
  it('keeps the WAL a few commits long while commits carry on, the serving connection never checkpointing, and loses nothing', async () => {
    const s = await study();
    const seen: CheckpointOutcome[] = [];
    // The timer is left out of it (a long interval): the test asks for each checkpoint between commits.
    const cp = startCheckpointer(s.sqlite, { intervalMs: 60_000, onCheckpoint: (c) => seen.push(c) });
    // Off on the serving connection: whatever bounds the WAL below is the worker's doing.
    expect(s.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const insert = s.sqlite.prepare('INSERT INTO filler (n, payload) VALUES (?, ?)');
    const commits = 150;
    // The WAL file is reused from its beginning, not truncated: its size is the longest WAL so far, here the
    // migrations'. Copied back first, so that every WAL from here on is the loop's.
    await cp.checkpointNow();
    const before = statSync(`${s.sqlite.name}-wal`).size;
    let walBytes = 0;
    for (let n = 1; n <= commits; n++) {
      // Two pages of payload a commit, three or four pages in all: some 500 pages, far beyond the bound below.
      insert.run(n, Buffer.alloc(2 * PAGE, n % 256));
      walBytes = Math.max(walBytes, statSync(`${s.sqlite.name}-wal`).size);
      // Once a checkpoint has copied every frame, the next commit starts the WAL from its beginning again.
      if (n % 10 === 0) expect(await cp.checkpointNow()).toMatchObject({ mode: 'PASSIVE' });
    }
    await cp.stop();
    await expect(cp.checkpointNow()).rejects.toThrow(/stopped/);
    expect(s.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(seen).toHaveLength(commits / 10 + 1);
    // Ten commits of three or four pages between checkpoints, each WAL copied whole, the file never longer.
    for (const c of seen.slice(1)) {
      expect(c.walPages).toBeLessThanOrEqual(45);
      expect(c.checkpointed).toBe(c.walPages);
    }
    expect(walBytes).toBe(before);

    await s.close();
    open.splice(open.indexOf(s), 1);
    const again = new BetterSqlite3(s.sqlite.name, { readonly: true });
    try {
      const r = again.prepare('SELECT count(*) AS n, sum(n) AS total FROM filler').get() as {
        n: number;
        total: number;
      };
      expect(r).toEqual({ n: commits, total: (commits * (commits + 1)) / 2 });
    } finally {
      again.close();
    }
  });

  it('checkpoints just after a commit of the fast path, without waiting for its timer', async () => {
    const s = await study();
    let first: (c: CheckpointOutcome) => void = () => {};
    const seen = new Promise<CheckpointOutcome>((resolve) => {
      first = resolve;
    });
    // A minute's interval: the checkpoint below can only come from the commit's signal.
    const cp = startCheckpointer(s.sqlite, { intervalMs: 60_000, onCheckpoint: (c) => first(c) });
    try {
      const insert = s.sqlite.prepare('INSERT INTO filler (n, payload) VALUES (?, ?)');
      expect(await writeSqlite(s.sqlite, () => insert.run(1, Buffer.alloc(PAGE)))).toBe(true);
      const c = await seen;
      expect(c.mode).toBe('PASSIVE');
      expect(c.walPages).toBeGreaterThan(0);
      expect(c.checkpointed).toBe(c.walPages);
    } finally {
      await cp.stop();
    }
  });

  it('runs a RESTART checkpoint once the WAL is longer than maxWalPages', async () => {
    const s = await study();
    const cp = startCheckpointer(s.sqlite, { intervalMs: 60_000, maxWalPages: 20 });
    try {
      // The migrations' WAL first.
      await cp.checkpointNow();
      s.sqlite.prepare('INSERT INTO filler (n, payload) VALUES (?, ?)').run(1, Buffer.alloc(4 * PAGE));
      expect(await cp.checkpointNow()).toMatchObject({ mode: 'PASSIVE' });
      s.sqlite.prepare('INSERT INTO filler (n, payload) VALUES (?, ?)').run(2, Buffer.alloc(40 * PAGE));
      const c = await cp.checkpointNow();
      expect(c.mode).toBe('RESTART');
      expect(c.walPages).toBeGreaterThan(20);
      expect(c.checkpointed).toBe(c.walPages);
    } finally {
      await cp.stop();
    }
  });

  it('restores automatic checkpoints when the last of two checkpointers on a connection stops', async () => {
    const s = await study();
    const one = startCheckpointer(s.sqlite);
    const two = startCheckpointer(s.sqlite);
    await one.stop();
    await one.stop();
    expect(s.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await two.stop();
    expect(s.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('gives the serving connection its automatic checkpoint back when the worker fails', async () => {
    const s = await study();
    // The worker opens the file by name and must find it: gone, it fails at once.
    rmSync(s.sqlite.name);
    expect(existsSync(s.sqlite.name)).toBe(false);
    let cp: ReturnType<typeof startCheckpointer> | undefined;
    const failed = new Promise<Error>((resolve) => {
      cp = startCheckpointer(s.sqlite, { onError: resolve });
    });
    expect(s.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const message = /WAL checkpoints of .*study\.sqlite: unable to open database file/;
    await expect(cp!.checkpointNow()).rejects.toThrow(message);
    expect((await failed).message).toMatch(message);
    expect(s.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });
});
