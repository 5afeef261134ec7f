import { Kysely, PostgresDialect } from 'kysely';
import type { StudyConfig } from '../study/study-config';
import { UsageError } from '../util/errors';
import type { Database } from './database';

/** Overrides study.json's store for one run: a PostgreSQL URL (it may carry a password, being no file). */
export const STORE_URL_ENV = 'ALLIANCE_STORE_URL';
/** The older study.json form's default variable, kept for studies written with it. */
const LEGACY_URL_ENV = 'ALLIANCE_DATABASE_URL';

/** Where a study on PostgreSQL lives: the server (URL without the schema parameter) and its schema. */
export interface PostgresTarget {
  url: string;
  schema: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//.test(s);
}

/** The URL as study.json may keep it: without its password, and whether it had one (for the message). */
export function urlWithoutPassword(url: string): { url: string; hadPassword: boolean } {
  const u = parseUrl(url);
  const hadPassword = u.password !== '';
  u.password = '';
  return { url: u.toString(), hadPassword };
}

function parseUrl(url: string): URL {
  if (!isPostgresUrl(url) || !URL.canParse(url))
    throw new UsageError(`"${redact(url)}" is not a PostgreSQL URL (postgres://user@host:port/database)`);
  return new URL(url);
}

/** A URL fit for a message: the password, if any, replaced. */
export function redact(url: string): string {
  if (!URL.canParse(url)) return url.replace(/:[^:@/]*@/, ':***@');
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/**
 * The schema a study uses: the URL's `schema` parameter, else one derived from the study's name (lower case,
 * other characters as `_`), so several studies share a database without naming schemas by hand.
 */
export function postgresTarget(url: string, studyName: string): PostgresTarget {
  const u = parseUrl(url);
  const given = u.searchParams.get('schema');
  u.searchParams.delete('schema');
  const schema = given ?? schemaFromName(studyName);
  if (!IDENTIFIER.test(schema)) {
    throw new UsageError(
      `schema "${schema}" is not a plain PostgreSQL identifier (lower-case letters, digits and _, not starting ` +
        'with a digit, at most 63 characters); name one with ?schema=NAME in the URL',
    );
  }
  return { url: u.toString(), schema };
}

function schemaFromName(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return (/^[a-z_]/.test(s) ? s : `study_${s}`).slice(0, 63);
}

/**
 * Which PostgreSQL a study opens, if any: ALLIANCE_STORE_URL for this run, else study.json's url, else the
 * variable its older form names. Null for a study on SQLite.
 */
export function postgresUrlFor(config: StudyConfig, env: NodeJS.ProcessEnv = process.env): string | null {
  const override = env[STORE_URL_ENV];
  if (override) return override;
  const store = config.store;
  if (store.kind !== 'postgres') return null;
  if (store.url) return store.url;
  const name = store.urlEnv ?? LEGACY_URL_ENV;
  const url = env[name];
  if (!url) throw new UsageError(`study.json asks for PostgreSQL; set ${name} to its connection URL`);
  return url;
}

type PgPass = (conn: object, cb: (password: string | undefined) => void) => void;

/**
 * PGPASSWORD, else the matching ~/.pgpass line (libpq's format and permission rule, via the pgpass package);
 * asked only when the server wants a password.
 */
export async function storePassword(conn: object): Promise<string | undefined> {
  if (process.env.PGPASSWORD !== undefined) return process.env.PGPASSWORD;
  const pgpass = (await import('pgpass')).default as PgPass;
  return new Promise((resolve) => pgpass(conn, resolve));
}

/**
 * Opens a study's schema on a PostgreSQL server, creating the schema if absent. Every pooled connection gets
 * search_path set to it, so the same unqualified SQL as on SQLite reaches this study's tables only. 64-bit
 * integers (count(*), sum) and numerics come back as numbers, as SQLite gives them.
 */
export async function openPostgres(target: PostgresTarget, opts: { max?: number } = {}): Promise<Kysely<Database>> {
  const pg = (await import('pg')).default;
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format);
    },
  };
  // pg calls the password function with the connection's parameters and accepts undefined (no password), which
  // its type declaration does not say.
  const base = { connectionString: target.url, password: storePassword as unknown as () => Promise<string>, types };
  const first = new pg.Client(base);
  try {
    await first.connect();
  } catch (err) {
    throw new UsageError(`cannot reach PostgreSQL at ${redact(target.url)}: ${(err as Error).message}`);
  }
  try {
    await first.query(`create schema if not exists "${target.schema}"`);
  } catch (err) {
    // Two processes creating one schema at once: the loser sees a duplicate, which is what it wanted.
    if ((err as { code?: string }).code !== '23505' && (err as { code?: string }).code !== '42P06') throw err;
  } finally {
    await first.end();
  }
  const pool = new pg.Pool({ ...base, max: opts.max ?? 4, options: `-c search_path="${target.schema}"` });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
