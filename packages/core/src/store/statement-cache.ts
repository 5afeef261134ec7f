import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * Hands kysely's SQLite driver prepared statements from a cache keyed by SQL text. Kysely prepares every query
 * afresh, and SQLite's parse-and-plan step then dominates bulk work (an import writes a few rows per session
 * for 10,000 sessions). Statements are reusable, so the cache is safe; a statement still being iterated is
 * busy, and then a fresh one is prepared. Queries with varying shapes (multi-row inserts, IN lists) produce
 * many distinct texts, so the cache is bounded and drops the least recently used.
 */
export function cachingDatabase(db: BetterSqlite3.Database, capacity = 256): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string) {
      const hit = cache.get(sql);
      if (hit && !hit.busy) {
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const stmt = db.prepare(sql);
      if (!hit) {
        cache.set(sql, stmt);
        if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
      }
      return stmt;
    },
  };
}
