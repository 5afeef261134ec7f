import { join } from 'node:path';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import { appendAudit, auditTrail } from './audit';
import type { Database } from './database';
import { migrations } from './migrations';
import { ensureSession } from './sessions';
import { studyCounts } from './status';
import { initStudy, openStudy } from './study';
import { tempDir } from '../../../../test/support/temp-dir';
import { storeKinds, useStore } from '../../../../test/support/stores';

const fresh = () => join(tempDir('study-'), 's');

describe.each(storeKinds)('study store on %s', (kind) => {
  useStore(kind);
  it('creates a study, migrates, and reopens (on SQLite with WAL and foreign keys on)', async () => {
    const dir = fresh();
    const s = await initStudy(dir, { name: 'Pilot' });
    expect(s.config.remoteProviders).toBe('deidentified');
    expect(s.dialect).toBe(kind);
    if (kind === 'sqlite') {
      expect(s.sqlite!.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(s.sqlite!.pragma('foreign_keys', { simple: true })).toBe(1);
    } else {
      expect(s.sqlite).toBeNull();
    }
    await s.close();
    const again = await openStudy(dir);
    expect(await studyCounts(again.db)).toEqual({
      clients: 0,
      therapists: 0,
      sessions: 0,
      transcripts: 0,
      utterances: 0,
      responses: 0,
      ratings: 0,
    });
    await again.close();
  });

  it('refuses to create a study twice', async () => {
    const dir = fresh();
    await (await initStudy(dir, { name: 'A' })).close();
    await expect(initStudy(dir, { name: 'B' })).rejects.toThrow(/already exists/);
  });

  it('names the field of an invalid study.json', async () => {
    const dir = fresh();
    await expect(initStudy(dir, { name: 'X', remoteProviders: 'sometimes' as never })).rejects.toThrow();
  });

  it('creates sessions once and refuses a conflicting therapist', async () => {
    const s = await initStudy(fresh(), { name: 'S' });
    const id = await ensureSession(s.db, { client: 'C01', therapist: 'T1', session: 1, date: '2026-01-05' });
    expect(id).toBe('C01/1');
    expect(await ensureSession(s.db, { client: 'C01', therapist: 'T1', session: 1 })).toBe('C01/1');
    await expect(
      ensureSession(s.db, { client: 'C01', therapist: 'T2', session: 1 }, { file: 'x.csv', line: 4 }),
    ).rejects.toThrow(/x\.csv, line 4: client C01 session 1 is recorded with therapist T1, but this input says T2/);
    expect((await studyCounts(s.db)).sessions).toBe(1);
    await s.close();
  });

  it('rolls back a transaction whole, audit rows included', async () => {
    const s = await initStudy(fresh(), { name: 'S' });
    await expect(
      s.db.transaction().execute(async (trx) => {
        await ensureSession(trx, { client: 'C01', therapist: 'T1', session: 1 });
        await appendAudit(trx, {
          actor: 'test',
          entity: 'response',
          entityId: 'r1',
          action: 'insert',
          before: null,
          after: { a: 1 },
        });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await studyCounts(s.db)).sessions).toBe(0);
    expect(await auditTrail(s.db)).toEqual([]);
    await appendAudit(s.db, {
      actor: 'ana',
      entity: 'response',
      entityId: 'r1',
      action: 'update',
      before: { a: 1 },
      after: { a: 2 },
    });
    const trail = await auditTrail(s.db, 'response', 'r1');
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ actor: 'ana', action: 'update', before: { a: 1 }, after: { a: 2 } });
    await s.close();
  });

  it('compiles every migration for PostgreSQL', async () => {
    const sql: string[] = [];
    const pg = new Kysely<Database>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new PostgresIntrospector(db),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
      log: (e) => {
        if (e.level === 'query') sql.push(e.query.sql);
      },
    });
    for (const m of Object.values(migrations)) await m.up(pg as Kysely<unknown>);
    const all = sql.join('\n');
    expect(all).toMatch(/create table "audit" \("id" serial primary key/);
    expect(all).toMatch(/"cost_usd" double precision not null/);
    expect(all).not.toMatch(/autoincrement/i);
    expect(sql.filter((q) => q.startsWith('create table')).length).toBeGreaterThanOrEqual(10);
  });
});

describe('study.json rater configurations', () => {
  it("keeps a rater's provider keys for its provider's schema and checks only what core reads", async () => {
    const { StudyConfig } = await import('../study/study-config');
    const ok = StudyConfig.parse({ name: 'S', raters: { gpt: { provider: 'openai', model: 'gpt-4.1-mini' } } });
    expect(ok.raters.gpt).toEqual({ provider: 'openai', model: 'gpt-4.1-mini', forms: ['wai-o-s:observer'] });
    const bad = StudyConfig.safeParse({ name: 'S', raters: { gpt: { provider: 'openai', forms: ['wai-o-s'] } } });
    expect(bad.error!.issues[0]!.path).toEqual(['raters', 'gpt', 'forms', 0]);
  });
});
