import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The one place a write transaction begins (BEGIN IMMEDIATE, waiting for other processes' writes). */
const HELPER = join('packages', 'core', 'src', 'store', 'write-lock.ts');

/** A transaction begun any other way: kysely's deferred BEGIN, better-sqlite3's wrapper, or BEGIN in SQL. */
const OWN_TRANSACTION = /\.transaction\(|['"`]\s*begin\b/i;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

describe('one write path', () => {
  it('every transaction in the code begins through writeTransaction or writeSqlite', () => {
    const files = sources(join(root, 'packages'));
    expect(files.length).toBeGreaterThan(100);
    const own = files
      .filter((f) => relative(root, f) !== HELPER)
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .flatMap((line, i) => (OWN_TRANSACTION.test(line) ? [`${relative(root, f)}:${i + 1}`] : [])),
      );
    expect(own).toEqual([]);
  });

  it('recognises the ways a transaction could begin elsewhere', () => {
    expect(OWN_TRANSACTION.test('await db.transaction().execute(async (trx) => {')).toBe(true);
    expect(OWN_TRANSACTION.test('const tx = sqlite.transaction((rows) => {')).toBe(true);
    expect(OWN_TRANSACTION.test("sqlite.exec('BEGIN')")).toBe(true);
    expect(OWN_TRANSACTION.test('await writeTransaction(study.db, async (trx) => {')).toBe(false);
  });
});
