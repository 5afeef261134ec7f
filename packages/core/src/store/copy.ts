import { createHash } from 'node:crypto';
import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, sql } from 'kysely';
import { InputError, UsageError } from '../util/errors';
import type { Database } from './database';
import { migrations } from './migrations';
import { readSnapshot, writeTransaction } from './write-lock';

/** One open store: what `store copy` reads from or writes to. */
export interface Store {
  db: Kysely<Database>;
  dialect: 'sqlite' | 'postgres';
  /** For messages: the folder or the URL without its password. */
  label: string;
}

export interface TableCopy {
  table: string;
  rows: number;
  /** SHA-256 of the table's rows, independent of row order (the two databases order text differently). */
  hash: string;
}

/**
 * The study's tables in the order its migrations create them, which is an order foreign keys accept (a table is
 * created after the tables it refers to). Taken from the migrations themselves, so a new migration's tables are
 * copied without a list to keep up to date.
 */
export async function tablesInMigrationOrder(): Promise<string[]> {
  const tables: string[] = [];
  const recorder = new Kysely<unknown>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
    log: (e) => {
      const q = e.query.sql;
      const created = /^create table (?:if not exists )?"([^"]+)"/i.exec(q)?.[1];
      if (created && !tables.includes(created)) tables.push(created);
      const dropped = /^drop table (?:if exists )?"([^"]+)"/i.exec(q)?.[1];
      if (dropped) tables.splice(tables.indexOf(dropped) >>> 0, 1);
    },
  });
  for (const m of Object.values(migrations)) await m.up(recorder);
  await recorder.destroy();
  return tables;
}

/** How many rows a store holds, per table (empty tables included). */
async function rowCounts(db: Kysely<Database>, tables: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const t of tables) {
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(t)}`.execute(db);
    counts.set(t, Number(rows[0]!.n));
  }
  return counts;
}

const PAGE = 2000;

/**
 * Reads a table in pages by its physical row key (SQLite's rowid, PostgreSQL's ctid): one index step per page
 * whatever the table's size, stable inside the snapshot the caller's transaction holds.
 */
async function* pages(
  db: Kysely<Database>,
  dialect: Store['dialect'],
  table: string,
): AsyncGenerator<Record<string, unknown>[]> {
  let after: string | number = dialect === 'sqlite' ? Number.MIN_SAFE_INTEGER : '(0,0)';
  for (;;) {
    const q =
      dialect === 'sqlite'
        ? sql<
            Record<string, unknown>
          >`select rowid as "__key", * from ${sql.table(table)} where rowid > ${after} order by rowid limit ${PAGE}`
        : sql<
            Record<string, unknown>
          >`select ctid::text as "__key", * from ${sql.table(table)} where ctid > ${after}::tid order by ctid limit ${PAGE}`;
    const { rows } = await q.execute(db);
    if (rows.length === 0) return;
    after = rows.at(-1)!.__key as string | number;
    yield rows.map(({ __key, ...row }) => row);
    if (rows.length < PAGE) return;
  }
}

/** A row as both databases give it back: columns by name, numbers as numbers. */
function canonical(row: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(row)
      .sort()
      .map((k) => [k, row[k] ?? null]),
  );
}

const MOD = 1n << 256n;

/** Sum of the rows' SHA-256 digests modulo 2^256: equal multisets of rows give equal hashes, in any order. */
async function tableHash(
  store: Pick<Store, 'dialect'>,
  db: Kysely<Database>,
  table: string,
): Promise<{ rows: number; hash: string }> {
  let sum = 0n;
  let rows = 0;
  for await (const page of pages(db, store.dialect, table)) {
    for (const row of page) {
      sum = (sum + BigInt(`0x${createHash('sha256').update(canonical(row)).digest('hex')}`)) % MOD;
      rows++;
    }
  }
  return { rows, hash: sum.toString(16).padStart(64, '0') };
}

/** Hashes of every table, for the check after a copy and for comparing two stores. */
export async function storeHashes(
  store: Pick<Store, 'db' | 'dialect'>,
  db: Kysely<Database> = store.db,
): Promise<TableCopy[]> {
  const out: TableCopy[] = [];
  for (const table of await tablesInMigrationOrder()) out.push({ table, ...(await tableHash(store, db, table)) });
  return out;
}

/** A copy whose result differs from its source: nothing was committed (exit 1, like other bad input). */
export class CopyMismatchError extends InputError {
  constructor(readonly mismatches: string[]) {
    super(`the copy differs from its source, so nothing was written: ${mismatches.join('; ')}`);
    this.name = 'CopyMismatchError';
  }
}

/**
 * Copies every table of `from` into `to`, table by table in migration order, in one transaction on the target
 * (a failed copy leaves the target as it was), reading the source inside one transaction too, so it copies one
 * consistent moment of a study that may be in use. Before committing, each target table's row count and hash
 * must equal the source's. A target holding rows is refused unless `replace`, which empties it in the same
 * transaction.
 */
export async function copyStore(from: Store, to: Store, opts: { replace?: boolean } = {}): Promise<TableCopy[]> {
  const tables = await tablesInMigrationOrder();
  const existing = [...(await rowCounts(to.db, tables))].filter(([, n]) => n > 0);
  if (existing.length > 0 && !opts.replace) {
    throw new UsageError(
      `${to.label} already holds a study (${existing.map(([t, n]) => `${t}: ${n} rows`).join(', ')}); ` +
        'copy into an empty store, or give --replace to overwrite it',
    );
  }
  return readSnapshot(from.db, (src) =>
    writeTransaction(to.db, async (dst) => {
      for (const t of [...tables].reverse()) await sql`delete from ${sql.table(t)}`.execute(dst);
      const copied: TableCopy[] = [];
      for (const table of tables) {
        for await (const page of pages(src, from.dialect, table)) await insertPage(dst, table, page);
        if (to.dialect === 'postgres') await advanceSequences(dst, table);
        copied.push({ table, ...(await tableHash(from, src, table)) });
      }
      const mismatches: string[] = [];
      for (const c of copied) {
        const got = await tableHash(to, dst, c.table);
        if (got.rows !== c.rows) mismatches.push(`${c.table}: ${c.rows} rows in the source, ${got.rows} copied`);
        else if (got.hash !== c.hash) mismatches.push(`${c.table}: content hash ${got.hash} ≠ source ${c.hash}`);
      }
      if (mismatches.length > 0) throw new CopyMismatchError(mismatches);
      return copied;
    }),
  );
}

// Well under both databases' limit on parameters per statement (SQLite 32,766, PostgreSQL 65,535).
const PARAMETERS = 20_000;

async function insertPage(dst: Kysely<Database>, table: string, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const per = Math.max(1, Math.floor(PARAMETERS / Object.keys(rows[0]!).length));
  for (let i = 0; i < rows.length; i += per) {
    // The table name comes from the migrations, not from input; kysely's types know tables only statically.
    await dst
      .insertInto(table as keyof Database)
      .values(rows.slice(i, i + per) as never)
      .execute();
  }
}

/** Ids copied into serial columns do not move their sequences; without this, the next audit row would collide. */
async function advanceSequences(dst: Kysely<Database>, table: string): Promise<void> {
  const { rows } = await sql<{ column_name: string }>`
    select column_name from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} and column_default like 'nextval(%'`.execute(dst);
  for (const { column_name: c } of rows) {
    await sql`select setval(pg_get_serial_sequence(${table}, ${c}), coalesce((select max(${sql.ref(c)}) from ${sql.table(table)}), 0) + 1, false)`.execute(
      dst,
    );
  }
}

/** The source must be a store this version migrates to: a newer one has tables this copy would not know. */
export async function checkMigrated(store: Store): Promise<void> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(store.db);
  const known = new Set(Object.keys(migrations));
  const unknown = rows.map((r) => r.name).filter((n) => !known.has(n));
  if (unknown.length > 0)
    throw new InputError(
      `${store.label} has migrations this version does not know (${unknown.join(', ')}); upgrade alliance`,
    );
}
