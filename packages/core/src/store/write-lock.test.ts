import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureSession, sessionIds } from './sessions';
import { initStudy, openStudy, type Study } from './study';
import { StudyBusyError, lockTimeoutMs, writeTransaction } from './write-lock';

const dirs: string[] = [];
const open: Array<Study | BetterSqlite3.Database> = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function studyDir(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'write-lock-'));
  dirs.push(root);
  const dir = join(root, 's');
  await (await initStudy(dir, { name: 'W' })).close();
  return dir;
}

/** Another process's connection, holding the write lock. */
function holdLock(dir: string): BetterSqlite3.Database {
  const other = new BetterSqlite3(join(dir, 'study.sqlite'));
  open.push(other);
  other.exec('begin immediate');
  return other;
}

describe('writeTransaction', () => {
  it('waits for another connection’s write lock, and runs the body once', async () => {
    const dir = await studyDir();
    const s = await openStudy(dir, { lockTimeoutMs: 10_000 });
    open.push(s);
    const other = holdLock(dir);
    setTimeout(() => other.exec('commit'), 400);
    let runs = 0;
    const started = Date.now();
    await writeTransaction(s.db, async (trx) => {
      runs++;
      await ensureSession(trx, { client: 'C01', therapist: 'T1', session: 1 });
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(runs).toBe(1);
    expect([...(await sessionIds(s.db))]).toEqual(['C01/1']);
  });

  it('does not retry an error thrown inside the transaction (a dry run’s rollback), and keeps nothing', async () => {
    const dir = await studyDir();
    const s = await openStudy(dir, { lockTimeoutMs: 10_000 });
    open.push(s);
    let runs = 0;
    await expect(
      writeTransaction(s.db, async (trx) => {
        runs++;
        await ensureSession(trx, { client: 'C01', therapist: 'T1', session: 1 });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(runs).toBe(1);
    expect(await sessionIds(s.db)).toEqual(new Set());
  });

  it('past the lock timeout fails with an error naming the busy study', async () => {
    const dir = await studyDir();
    const s = await openStudy(dir, { lockTimeoutMs: 250 });
    open.push(s);
    holdLock(dir);
    const err = await writeTransaction(s.db, async () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudyBusyError);
    expect((err as StudyBusyError).message).toBe(
      `study ${dir} is busy: another process has held its write lock for more than 250 ms; wait for it to finish (or stop it) and run the command again`,
    );
  });

  it('takes its timeout from the caller, else ALLIANCE_LOCK_TIMEOUT_MS, else two minutes', () => {
    expect(lockTimeoutMs(5, { ALLIANCE_LOCK_TIMEOUT_MS: '9' })).toBe(5);
    expect(lockTimeoutMs(undefined, { ALLIANCE_LOCK_TIMEOUT_MS: '9' })).toBe(9);
    expect(lockTimeoutMs(undefined, { ALLIANCE_LOCK_TIMEOUT_MS: 'soon' })).toBe(120_000);
    expect(lockTimeoutMs(undefined, {})).toBe(120_000);
  });
});
