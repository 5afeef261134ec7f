import type BetterSqlite3 from 'better-sqlite3';
import {
  type DatabaseConnection,
  type Driver,
  type Kysely,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type SqliteDialectConfig,
} from 'kysely';
import type { Database } from './database';
import { isPostgres } from './migrations/dialect';

/** How long a writer waits for another process to finish writing before giving up: generous, for long imports. */
export const DEFAULT_LOCK_TIMEOUT_MS = 120_000;

/**
 * How long one attempt blocks inside SQLite's own busy handler. Kept short because it blocks the event loop;
 * between attempts the wait is asynchronous, so a server or a rate run keeps serving while it waits.
 */
const ATTEMPT_MS = 200;

/** Which study a lock belongs to (for the message) and how long to wait for it. */
export interface WriteLock {
  study: string;
  timeoutMs: number;
}

/** Another process has held the study's write lock for longer than the lock timeout. */
export class StudyBusyError extends Error {
  readonly study: string;
  constructor(lock: WriteLock) {
    super(
      `study ${lock.study} is busy: another process has held its write lock for more than ${formatMs(lock.timeoutMs)}; ` +
        'wait for it to finish (or stop it) and run the command again',
    );
    this.name = 'StudyBusyError';
    this.study = lock.study;
  }
}

/** The lock timeout in force: the caller's, else ALLIANCE_LOCK_TIMEOUT_MS, else the default. */
export function lockTimeoutMs(given?: number, env: Record<string, string | undefined> = process.env): number {
  if (given !== undefined) return given;
  const raw = env.ALLIANCE_LOCK_TIMEOUT_MS;
  const n = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : DEFAULT_LOCK_TIMEOUT_MS;
}

const locks = new WeakMap<BetterSqlite3.Database, WriteLock>();

/**
 * Sets the per-attempt busy wait on a connection (a statement outside a transaction, which takes the lock when it
 * needs it, waits this long) and remembers the lock for the raw fast paths.
 */
export function configureBusyWait(sqlite: BetterSqlite3.Database, lock: WriteLock): void {
  sqlite.pragma(`busy_timeout = ${Math.min(ATTEMPT_MS, lock.timeoutMs)}`);
  locks.set(sqlite, lock);
}

function lockOf(sqlite: BetterSqlite3.Database): WriteLock {
  return locks.get(sqlite) ?? { study: sqlite.name, timeoutMs: lockTimeoutMs() };
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY_'));
}

/**
 * Takes SQLite's write lock up front (BEGIN IMMEDIATE), retrying with jittered backoff while another connection
 * holds it. A deferred BEGIN would take only a read lock and upgrade at the first write, and an upgrade whose
 * snapshot is stale fails at once, whatever the busy timeout; taken up front, a writer can always wait its turn.
 * Only BEGIN is retried: an error inside the transaction (a dry run's rollback among them) passes through.
 * `ready` is asked before each attempt; returning false gives up without beginning (the connection became busy
 * with another transaction of this process), and then it resolves false. `begun` runs synchronously once the lock
 * is held, before anything else of this process can use the connection.
 */
export async function beginImmediate(
  sqlite: BetterSqlite3.Database,
  lock: WriteLock,
  ready: () => boolean = () => true,
  begun: () => void = () => {},
): Promise<boolean> {
  const start = Date.now();
  let pause = 5;
  for (;;) {
    if (!ready()) return false;
    try {
      sqlite.exec('begin immediate');
    } catch (err) {
      if (!isBusy(err)) throw err;
      const left = lock.timeoutMs - (Date.now() - start);
      if (left <= 0) throw new StudyBusyError(lock);
      await new Promise((r) => setTimeout(r, Math.min(left, pause * (0.5 + Math.random()))));
      pause = Math.min(pause * 2, 250);
      continue;
    }
    begun();
    return true;
  }
}

/**
 * Kysely's SQLite dialect with every transaction begun IMMEDIATE (see beginImmediate), and migrations run in a
 * transaction, so two processes opening one new study do not both migrate it.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig & { raw: BetterSqlite3.Database; lock: WriteLock };
  constructor(config: SqliteDialectConfig & { raw: BetterSqlite3.Database; lock: WriteLock }) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
  override createAdapter() {
    return new TransactionalDdlSqliteAdapter();
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #raw: BetterSqlite3.Database;
  readonly #lock: WriteLock;
  constructor(config: SqliteDialectConfig & { raw: BetterSqlite3.Database; lock: WriteLock }) {
    super(config);
    this.#raw = config.raw;
    this.#lock = config.lock;
  }
  // Kysely's one connection wraps the same handle, and this transaction holds it while BEGIN waits.
  override async beginTransaction(_connection: DatabaseConnection): Promise<void> {
    await beginImmediate(this.#raw, this.#lock);
  }
}

/**
 * The one way to write several rows atomically: joins the caller's transaction when given one, else begins a
 * write transaction. On SQLite it is IMMEDIATE, waiting for other writers (see ImmediateSqliteDialect). On
 * PostgreSQL writers run side by side, SERIALIZABLE, so a read-then-write (is this session stored yet? which
 * version comes next?) is atomic as on SQLite; a transaction that loses a race is rolled back whole and run again,
 * so `fn` must keep its effects inside the transaction (or reset them when it starts).
 */
export async function writeTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  if (!isPostgres(db as Kysely<unknown>)) return db.transaction().execute(fn);
  let pause = 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().setIsolationLevel('serializable').execute(fn);
    } catch (err) {
      if (!isRetryable(err) || attempt >= PG_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, pause * (0.5 + Math.random())));
      pause = Math.min(pause * 2, 500);
    }
  }
}

/**
 * A consistent view of a whole store for a long read (a copy of the study): REPEATABLE READ on PostgreSQL; on
 * SQLite the dialect's IMMEDIATE transaction, which also keeps writers out until the read is done.
 */
export async function readSnapshot<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  const trx = db.transaction();
  return (isPostgres(db as Kysely<unknown>) ? trx.setIsolationLevel('repeatable read') : trx).execute(fn);
}

/** Enough for a busy study (every retry follows a concurrent commit, so some transaction always progresses). */
const PG_ATTEMPTS = 50;

/** serialization_failure and deadlock_detected: PostgreSQL's word that running again may succeed. */
function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === '40001' || code === '40P01';
}

const afterCommit = new WeakMap<BetterSqlite3.Database, Set<() => void>>();

/**
 * Calls `fn` after each commit of writeSqlite on this connection (the raw fast paths, which carry a server's
 * writes), until the returned function is called. The checkpointer uses it to copy the WAL just after a commit,
 * with the whole gap until the next one to finish in.
 */
export function onFastCommit(sqlite: BetterSqlite3.Database, fn: () => void): () => void {
  let listeners = afterCommit.get(sqlite);
  if (!listeners) afterCommit.set(sqlite, (listeners = new Set()));
  listeners.add(fn);
  return () => {
    listeners.delete(fn);
  };
}

/**
 * The same for the raw SQLite fast paths: runs the synchronous `body` between BEGIN IMMEDIATE and COMMIT
 * (ROLLBACK when it throws). Returns false without running it when the connection is, or becomes while waiting,
 * busy with a kysely transaction of this process: the caller then writes through kysely instead.
 */
export async function writeSqlite(sqlite: BetterSqlite3.Database, body: () => void): Promise<boolean> {
  // The body runs in the same tick as BEGIN: an await in between would let this process's kysely transaction
  // begin on the same connection.
  return beginImmediate(
    sqlite,
    lockOf(sqlite),
    () => !sqlite.inTransaction,
    () => {
      try {
        body();
        sqlite.exec('commit');
        for (const fn of afterCommit.get(sqlite) ?? []) fn();
      } catch (err) {
        if (sqlite.inTransaction) sqlite.exec('rollback');
        throw err;
      }
    },
  );
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
