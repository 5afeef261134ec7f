import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const STORE = join('packages', 'core', 'src', 'store') + sep;
const TABLES = [
  'therapists',
  'clients',
  'sessions',
  'transcripts',
  'utterances',
  'responses',
  'ratings',
  'rating_cache',
  'rating_cache_leases',
  'rating_batches',
  'rating_batch_requests',
  'deidentification_maps',
  'scores',
  'audit',
  'export_secrets',
  'meta',
].join('|');

/** What storage code looks like: kysely's query builders, raw SQL, and table names where SQL names them. */
const FORBIDDEN: Array<[string, RegExp]> = [
  ['a kysely query', /\b(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(/],
  ['an sql`` template', /\bsql`/],
  ['a prepared statement', /\.prepare\(/],
  ['raw SQL on a table', new RegExp(`\\b(from|into|update|join|table)\\s+["'\`]?(${TABLES})\\b`, 'i')],
  [
    'a table of the store',
    /\b(rating_cache|rating_cache_leases|rating_batches|rating_batch_requests|deidentification_maps)\b/,
  ],
  ['a row type of the store', /\bDatabase\[|\b(Selectable|Insertable|Updateable)</],
  ['kysely or better-sqlite3', /from ['"](kysely|better-sqlite3)['"]/],
];

/** Tests may still look at rows to check what was written; the rule is about code that runs. */
const isTest = (path: string) => /\.test\.ts$|[/\\]test-support\.ts$/.test(path);

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue; // dist: the cli's bundle of core
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.(ts|js|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

/** Every violation outside packages/core/src/store, as "file:line: what". */
function storeLeaks(files: string[]): string[] {
  const leaks: string[] = [];
  for (const file of files) {
    const rel = relative(root, file);
    if (rel.startsWith(STORE) || isTest(rel)) continue;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        // Prose in comments may say "from sessions"; code may not.
        if (/^\s*(\*|\/\/|\/\*)/.test(line)) return;
        for (const [what, re] of FORBIDDEN) if (re.test(line)) leaks.push(`${rel}:${i + 1}: ${what}`);
      });
  }
  return leaks;
}

describe('core owns the store', () => {
  it('no code outside packages/core/src/store holds SQL, a query or a table name', () => {
    const files = ['packages', 'scripts', 'bench'].flatMap((d) => sources(join(root, d)));
    expect(files.length).toBeGreaterThan(100);
    expect(storeLeaks(files)).toEqual([]);
  });

  it('catches each kind of leak', () => {
    const leaks = (text: string) => {
      const lines = text.split('\n');
      return FORBIDDEN.filter(([, re]) => lines.some((l) => re.test(l))).map(([what]) => what);
    };
    expect(leaks("await db.selectFrom('ratings').selectAll()")).toEqual(['a kysely query']);
    expect(leaks('const n = sql`count(*)`')).toEqual(['an sql`` template']);
    expect(leaks("sqlite.prepare('select * from utterances where transcript_id = ?')")).toEqual([
      'a prepared statement',
      'raw SQL on a table',
    ]);
    expect(leaks("type Row = Database['ratings']")).toEqual(['a row type of the store']);
    expect(leaks("import type { Selectable } from 'kysely';")).toEqual(['kysely or better-sqlite3']);
    expect(leaks('let row: Selectable<RatingRow>;')).toEqual(['a row type of the store']);
  });
});
