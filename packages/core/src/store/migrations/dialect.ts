import { PostgresAdapter, type Kysely } from 'kysely';

/** Migrations stay portable by asking which dialect they run on only where SQL really differs. */
export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Column type for an auto-incrementing integer id. */
export function autoIdType(db: Kysely<unknown>): 'serial' | 'integer' {
  return isPostgres(db) ? 'serial' : 'integer';
}

/** Floating point column type: SQLite's REAL, PostgreSQL's double precision. */
export function realType(db: Kysely<unknown>): 'real' | 'double precision' {
  return isPostgres(db) ? 'double precision' : 'real';
}
