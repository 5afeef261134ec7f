import { tmpdir } from 'node:os';
import { POSTGRES_MISSING, postgresBin, startPostgresCluster } from './postgres-cluster';

/**
 * vitest global setup: a PostgreSQL for the tests that need one. ALLIANCE_TEST_PG_URL names a running server
 * (a database the tests may create schemas in); otherwise a throwaway cluster is made (postgres-cluster.ts) and
 * removed at the end. The URL reaches the workers as ALLIANCE_TEST_PG_URL. Without PostgreSQL the run fails
 * under CI (`.ci/run` installs it); elsewhere the PostgreSQL tests say why they cannot run (see postgres.ts).
 */
export default async function setup(): Promise<(() => void) | undefined> {
  if (process.env.ALLIANCE_TEST_PG_URL) return undefined;
  const bin = postgresBin();
  if (!bin) {
    if (process.env.CI) throw new Error(`CI needs PostgreSQL: ${POSTGRES_MISSING}`);
    process.env.ALLIANCE_TEST_PG_MISSING = 'PostgreSQL binaries not found under /usr/lib/postgresql';
    return undefined;
  }
  // Made outside the run's TMPDIR, which must be empty at the end.
  const cluster = await startPostgresCluster('alliance_test', process.env.ALLIANCE_TEST_SYSTEM_TMPDIR ?? tmpdir(), bin);
  process.env.ALLIANCE_TEST_PG_URL = cluster.url;
  return cluster.stop;
}
