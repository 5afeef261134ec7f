import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StudyConfig } from '../study/study-config';
import { InputError, UsageError } from '../util/errors';
import { parseJsonText } from '../util/json-text';
import { checkMigrated, copyStore, type Store, type TableCopy } from './copy';
import { isPostgresUrl, openPostgres, postgresTarget, redact, urlWithoutPassword } from './postgres';
import { STUDY_FILE, migrate, openStudy, readStudyConfig, writeStudyConfig } from './study';

export interface StudyCopy {
  from: string;
  to: string;
  tables: TableCopy[];
  /** The source folder's study.json, when it now names the PostgreSQL copy. */
  studyJson: string | null;
}

interface Opened extends Store {
  close(): Promise<void>;
  /** The folder, for a study opened from one. */
  dir: string | null;
  config: StudyConfig | null;
  /** For PostgreSQL: the server and schema, to refuse copying a store onto itself. */
  key: string;
  schema: string | null;
}

/** Files of a study folder that belong to its store, never copied to a new folder. */
const isStoreFile = (f: string) => f === STUDY_FILE || /\.sqlite(-wal|-shm|-journal)?$/.test(f);

/** `alliance store copy`: resolves FROM and TO (folders or URLs), copies, and points a moved folder at its copy. */
export async function copyStudyStore(from: string, to: string, opts: { replace: boolean }): Promise<StudyCopy> {
  const source = await openSource(from);
  let target: Opened | undefined;
  try {
    target = await openTarget(to, source);
    if (target.key === source.key) throw new UsageError(`--from and --to name the same store (${source.label})`);
    const tables = await copyStore(source, target, opts);
    let studyJson: string | null = null;
    if (source.dir && isPostgresUrl(to)) {
      // The folder now lives on PostgreSQL: study.json names the copy (schema included, password never).
      const { url, schema } = postgresTarget(to, source.config!.name);
      const named = new URL(urlWithoutPassword(url).url);
      named.searchParams.set('schema', schema);
      const file = join(source.dir, STUDY_FILE);
      const raw = parseJsonText(readFileSync(file, 'utf8'), file) as Record<string, unknown>;
      writeStudyConfig(source.dir, { ...raw, store: { kind: 'postgres', url: named.toString() } } as never);
      studyJson = file;
    }
    return { from: source.label, to: target.label, tables, studyJson };
  } finally {
    await target?.close();
    await source.close();
  }
}

async function openSource(from: string): Promise<Opened> {
  if (isPostgresUrl(from)) {
    if (!new URL(from).searchParams.get('schema'))
      throw new UsageError("--from: name the study's schema in the URL (…?schema=NAME)");
    const opened = await openUrl(from, '');
    try {
      await checkMigrated(opened);
    } catch (err) {
      await opened.close();
      if (err instanceof InputError) throw err;
      throw new InputError(`--from: no study in ${opened.label} (${(err as Error).message})`);
    }
    return opened;
  }
  if (!existsSync(join(from, STUDY_FILE))) throw new UsageError(`--from ${from}: no ${STUDY_FILE} there`);
  return openFolder(from);
}

async function openTarget(to: string, source: Opened): Promise<Opened> {
  if (isPostgresUrl(to)) {
    if (!source.config && !new URL(to).searchParams.get('schema'))
      throw new UsageError('--to: name the schema in the URL (…?schema=NAME)');
    const opened = await openUrl(to, source.config?.name ?? '');
    await migrate(opened.db, opened.schema ?? undefined);
    return opened;
  }
  if (!existsSync(join(to, STUDY_FILE))) {
    if (!source.config || !source.dir) {
      throw new UsageError(
        `--to ${to}: no ${STUDY_FILE} there; copying from a URL needs a study folder to copy into (make one with \`alliance init\`)`,
      );
    }
    // A new SQLite study: the source's definition and own files (instruments, wording), not its store.
    mkdirSync(to, { recursive: true });
    for (const f of readdirSync(source.dir)) {
      if (!isStoreFile(f)) cpSync(join(source.dir, f), join(to, f), { recursive: true });
    }
    const raw = parseJsonText(readFileSync(join(source.dir, STUDY_FILE), 'utf8'), join(source.dir, STUDY_FILE));
    writeStudyConfig(to, { ...(raw as object), store: { kind: 'sqlite', file: 'study.sqlite' } } as never);
  }
  return openFolder(to);
}

async function openFolder(dir: string): Promise<Opened> {
  const config = readStudyConfig(dir);
  const study = await openStudy(dir, { store: 'config' });
  const key =
    study.dialect === 'sqlite' && config.store.kind === 'sqlite'
      ? `sqlite:${resolve(dir, config.store.file)}`
      : `${serverOf(config.store.kind === 'postgres' ? (config.store.url ?? '') : '')}#${study.schema}`;
  return {
    db: study.db,
    dialect: study.dialect,
    label: dir,
    close: study.close,
    dir: study.dir,
    config,
    key,
    schema: study.schema,
  };
}

async function openUrl(url: string, studyName: string): Promise<Opened> {
  const target = postgresTarget(url, studyName);
  const db = await openPostgres(target, { max: 2 });
  return {
    db,
    dialect: 'postgres',
    label: `${redact(target.url)} schema ${target.schema}`,
    close: () => db.destroy(),
    dir: null,
    config: null,
    key: `${serverOf(url)}#${target.schema}`,
    schema: target.schema,
  };
}

function serverOf(url: string): string {
  if (!URL.canParse(url)) return url;
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}
