import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { cachingDatabase } from './statement-cache';

describe('prepared-statement cache', () => {
  it('prepares each SQL text once and reuses it', async () => {
    const raw = new BetterSqlite3(':memory:');
    let prepared = 0;
    const counting = new Proxy(raw, {
      get(target, prop) {
        if (prop === 'prepare') return (sql: string) => (prepared++, target.prepare(sql));
        const v = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const db = new Kysely<{ t: { id: number; v: string } }>({
      dialect: new SqliteDialect({ database: cachingDatabase(counting) }),
    });
    await db.schema.createTable('t').addColumn('id', 'integer').addColumn('v', 'text').execute();
    const before = prepared;
    for (let i = 0; i < 50; i++)
      await db
        .insertInto('t')
        .values({ id: i, v: `x${i}` })
        .execute();
    expect(prepared - before).toBe(1);
    const rows = await db.selectFrom('t').select(['id', 'v']).where('id', '<', 3).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 0, v: 'x0' },
      { id: 1, v: 'x1' },
      { id: 2, v: 'x2' },
    ]);
    await db.destroy();
  });

  it('keeps at most its capacity, dropping the least recently used', () => {
    const raw = new BetterSqlite3(':memory:');
    const prepares: string[] = [];
    const counting = {
      close: () => raw.close(),
      prepare: (sql: string) => (prepares.push(sql), raw.prepare(sql)),
    } as unknown as BetterSqlite3.Database;
    const db = cachingDatabase(counting, 2);
    db.prepare('select 1');
    db.prepare('select 2');
    db.prepare('select 1'); // hit: now most recent
    db.prepare('select 3'); // evicts "select 2"
    db.prepare('select 1'); // still cached
    db.prepare('select 2'); // prepared again
    expect(prepares).toEqual(['select 1', 'select 2', 'select 3', 'select 2']);
  });

  it('prepares a fresh statement when the cached one is still iterating', () => {
    const raw = new BetterSqlite3(':memory:');
    raw.exec('create table t (x integer); insert into t values (1), (2)');
    const db = cachingDatabase(raw);
    const a = db.prepare('select x from t') as BetterSqlite3.Statement;
    const it = a.iterate();
    it.next();
    const b = db.prepare('select x from t') as BetterSqlite3.Statement;
    expect(b).not.toBe(a);
    expect(b.all()).toEqual([{ x: 1 }, { x: 2 }]);
    it.return?.();
  });
});
