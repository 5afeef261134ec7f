import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { InstrumentLookupError, loadRegistry, type InstrumentRegistry } from '@alliance-lab/instruments';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, sql } from 'kysely';
import { StudyConfig, type StudyConfigInput } from '../study/study-config';
import { validateRaters } from '../study/rater-validator';
import { InputError, UsageError } from '../util/errors';
import { parseJsonText } from '../util/json-text';
import { didYouMean } from '../util/suggest';
import { describeIssue } from '../util/zod-issue';
import type { Database } from './database';
import { migrationProvider, migrations } from './migrations';
import { STORE_URL_ENV, openPostgres, postgresTarget, postgresUrlFor } from './postgres';
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
  /** The PostgreSQL schema holding this study's tables (null on SQLite). */
  schema: string | null;
  /** Who is acting, for the audit table. */
  actor: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  actor?: string;
  /** How long a write waits for another process's write lock (default: ALLIANCE_LOCK_TIMEOUT_MS, else 2 min). */
  lockTimeoutMs?: number;
  /**
   * Which store to open: study.json's (ignoring ALLIANCE_STORE_URL) with 'config', or this PostgreSQL URL; by
   * default ALLIANCE_STORE_URL, else study.json's. `store copy` names its stores so the override cannot swap them.
   */
  store?: 'config' | string;
}

export { setRaterValidator, type RaterValidator } from '../study/rater-validator';

export interface ReadOptions {
  /**
   * Check that named instruments, forms and scales exist (default). Off only for the commands that install
   * instruments or list them, which must work while study.json names one not yet added.
   */
  checkReferences?: boolean;
}

/** Reads and validates study.json; errors name the file and the offending field. */
export function readStudyConfig(dir: string, opts: ReadOptions = {}): StudyConfig {
  const file = join(dir, STUDY_FILE);
  if (!existsSync(file))
    throw new InputError(`no ${STUDY_FILE} here; create a study with \`alliance init ${dir}\``, { file });
  return checkStudyConfig(parseJsonText(readFileSync(file, 'utf8'), file), dir, file, opts);
}

/**
 * Everything study.json must get right before anything uses it: the schema (strict: an unknown key is an error
 * with the nearest valid one), a store inside the study folder, and instruments, forms and scales that exist
 * (built-in or the study's own).
 */
export function checkStudyConfig(raw: unknown, dir: string, file: string, opts: ReadOptions = {}): StudyConfig {
  const parsed = StudyConfig.safeParse(raw);
  if (!parsed.success) throw new InputError(describeIssue(StudyConfig, parsed.error.issues[0]!), { file });
  const config = parsed.data;
  checkStoreFile(config, dir, file);
  if (opts.checkReferences !== false) checkInstrumentReferences(config, dir, file);
  validateRaters(config.raters, file);
  return config;
}

function checkStoreFile(config: StudyConfig, dir: string, file: string): void {
  if (config.store.kind !== 'sqlite') return;
  const f = config.store.file;
  const rel = relative(resolve(dir), resolve(dir, f));
  if (isAbsolute(f) || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new InputError(
      `store.file "${f}" is outside the study folder; the SQLite store lives in the study folder, so name a file ` +
        'in it (e.g. "study.sqlite"), or use { "kind": "postgres", "url": "postgres://…" } for a shared database',
      { file },
    );
  }
}

function checkInstrumentReferences(config: StudyConfig, dir: string, file: string): void {
  const refs: { where: string; instrument: string; form: string; scale?: string }[] = [
    ...config.instruments.map((i, n) => ({ where: `instruments[${n}]`, instrument: i.instrument, form: i.form })),
    ...Object.entries(config.raters).flatMap(([name, r]) =>
      r.forms.map((spec, n) => {
        const [instrument, form] = spec.split(':') as [string, string];
        return { where: `raters.${name}.forms[${n}]`, instrument, form };
      }),
    ),
    ...(config.analysis.criterion ? [{ where: 'analysis.criterion', ...config.analysis.criterion }] : []),
  ];
  if (!refs.length) return;
  const registry: InstrumentRegistry = loadRegistry({ studyDir: dir });
  const ids = registry.list().map((e) => e.definition.id);
  for (const ref of refs) {
    if (!registry.has(ref.instrument)) {
      throw new InputError(
        `${ref.where}: unknown instrument "${ref.instrument}"${didYouMean(ref.instrument, ids)} (known instruments: ${ids.join(', ')}; add a study's own with \`alliance instruments add\`)`,
        { file },
      );
    }
    let scales: string[];
    try {
      scales = registry.view(ref.instrument, ref.form).scales.map((s) => s.id);
    } catch (err) {
      if (err instanceof InstrumentLookupError) throw new InputError(`${ref.where}: ${err.message}`, { file });
      throw err;
    }
    if (ref.scale !== undefined && !scales.includes(ref.scale)) {
      throw new InputError(
        `${ref.where}: ${ref.instrument} ${ref.form} has no scale "${ref.scale}"${didYouMean(ref.scale, scales)} (its scales: ${scales.join(', ')})`,
        { file },
      );
    }
  }
}

export function writeStudyConfig(dir: string, config: StudyConfigInput): StudyConfig {
  const file = join(dir, STUDY_FILE);
  // Checked whole before writing, so a refused definition leaves no study.json behind.
  const valid = checkStudyConfig(config, dir, file);
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
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
  const pgUrl =
    opts.store === undefined
      ? postgresUrlFor(config)
      : opts.store === 'config'
        ? postgresUrlFor(config, { ...process.env, [STORE_URL_ENV]: undefined })
        : opts.store;
  const target = pgUrl === null ? null : postgresTarget(pgUrl, config.name);
  if (target === null) {
    sqlite = new BetterSqlite3(join(abs, config.store.kind === 'sqlite' ? config.store.file : 'study.sqlite'));
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
    db = await openPostgres(target);
  }
  try {
    await migrate(db, target?.schema);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return {
    dir: abs,
    config,
    db,
    dialect: target === null ? 'sqlite' : 'postgres',
    sqlite,
    schema: target?.schema ?? null,
    actor,
    close: () => db.destroy(),
  };
}

/** Brings the store up to date; on PostgreSQL `schema` is the study's, where kysely keeps its migration tables too. */
export async function migrate(db: Kysely<Database>, schema?: string): Promise<void> {
  // Migrating takes the write lock; a store already up to date is not locked, so opening it never waits for a writer.
  if (!(await migrationsPending(db))) return;
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
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
