import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import { StudyConfig, type StudyConfigInput } from '../study/study-config';
import { InputError, UsageError, formatPath } from '../util/errors';
import type { Database } from './database';
import { migrationProvider, migrations } from './migrations';
import { cachingDatabase } from './statement-cache';
import { ImmediateSqliteDialect, configureBusyWait, lockTimeoutMs } from './write-lock';

export const STUDY_FILE = 'study.json';

/** An open study: its validated definition and its store. */
export interface Study {
  dir: string;
  config: StudyConfig;
  db: Kysely<Database>;
  dialect: 'sqlite' | 'postgres';
  /** The raw SQLite handle, for bulk paths where kysely's per-query compile would dominate (null on PostgreSQL). */
  sqlite: BetterSqlite3.Database | null;
  /** Who is acting, for the audit table. */
  actor: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  actor?: string;
  /** How long a write waits for another process's write lock (default: ALLIANCE_LOCK_TIMEOUT_MS, else 2 min). */
  lockTimeoutMs?: number;
}

/** Reads and validates study.json; errors name the file and the offending field. */
export function readStudyConfig(dir: string): StudyConfig {
  const file = join(dir, STUDY_FILE);
  if (!existsSync(file))
    throw new InputError(`no ${STUDY_FILE} here; create a study with \`alliance init ${dir}\``, { file });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`not valid JSON: ${(err as Error).message}`, { file });
  }
  const parsed = StudyConfig.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${formatPath(issue.path) || '(top level)'}: ${issue.message}`, { file });
  }
  return parsed.data;
}

export function writeStudyConfig(dir: string, config: StudyConfigInput): StudyConfig {
  const valid = StudyConfig.parse(config);
  writeFileSync(join(dir, STUDY_FILE), `${JSON.stringify(config, null, 2)}\n`);
  return valid;
}

/** Creates a study folder with its study.json and an empty, migrated store. */
export async function initStudy(dir: string, config: StudyConfigInput, opts: OpenOptions = {}): Promise<Study> {
  const abs = resolve(dir);
  if (existsSync(join(abs, STUDY_FILE)))
    throw new UsageError(`${join(dir, STUDY_FILE)} already exists; a study is created once`);
  mkdirSync(abs, { recursive: true });
  writeStudyConfig(abs, config);
  return openStudy(abs, opts);
}

export async function openStudy(dir: string, opts: OpenOptions = {}): Promise<Study> {
  const abs = resolve(dir);
  const config = readStudyConfig(abs);
  const actor = opts.actor ?? process.env.ALLIANCE_ACTOR ?? safeUserName();
  let db: Kysely<Database>;
  let sqlite: BetterSqlite3.Database | null = null;
  if (config.store.kind === 'sqlite') {
    sqlite = new BetterSqlite3(join(abs, config.store.file));
    const lock = { study: abs, timeoutMs: lockTimeoutMs(opts.lockTimeoutMs) };
    configureBusyWait(sqlite, lock);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    // NORMAL is safe against corruption in WAL mode; only the last commits may be lost on power failure.
    sqlite.pragma('synchronous = NORMAL');
    db = new Kysely<Database>({
      dialect: new ImmediateSqliteDialect({ database: cachingDatabase(sqlite), raw: sqlite, lock }),
    });
  } else {
    const url = process.env[config.store.urlEnv];
    if (!url) throw new UsageError(`study.json asks for PostgreSQL; set ${config.store.urlEnv} to its connection URL`);
    const pg = await import('pg');
    db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.default.Pool({ connectionString: url, max: 4 }) }),
    });
  }
  await migrate(db);
  return {
    dir: abs,
    config,
    db,
    dialect: config.store.kind,
    sqlite,
    actor,
    close: () => db.destroy(),
  };
}

export async function migrate(db: Kysely<Database>): Promise<void> {
  // Migrating takes the write lock; a store already up to date is not locked, so opening it never waits for a writer.
  if (!(await migrationsPending(db))) return;
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(
      `store migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`,
    );
  }
}

async function migrationsPending(db: Kysely<Database>): Promise<boolean> {
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    const done = new Set(rows.map((r) => r.name));
    return Object.keys(migrations).some((name) => !done.has(name));
  } catch {
    return true;
  }
}

function safeUserName(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
