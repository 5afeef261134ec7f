/**
 * The PostgreSQL that postgres-setup.ts started or was given, for tests that need one. `postgresMissing` says why
 * there is none (only outside CI; under CI the run fails instead), for `describe.skipIf`.
 */
export const postgresUrl: string | undefined = process.env.ALLIANCE_TEST_PG_URL;
export const postgresMissing: string | undefined = postgresUrl
  ? undefined
  : (process.env.ALLIANCE_TEST_PG_MISSING ?? 'no PostgreSQL');

/** A schema name no other test uses, for one test's tables (several studies share a database by schema). */
export function uniqueSchema(prefix = 't'): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
