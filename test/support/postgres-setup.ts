import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest global setup: a PostgreSQL for the tests that need one. ALLIANCE_TEST_PG_URL names a running server
 * (a database the tests may create schemas in); otherwise a throwaway cluster is made with Debian's initdb in a
 * temporary folder, listening on a free loopback port with trust authentication, and removed at the end. The URL
 * reaches the workers as ALLIANCE_TEST_PG_URL. Without PostgreSQL the run fails under CI (`.ci/run` installs
 * it); elsewhere the PostgreSQL tests say why they cannot run (see postgres.ts).
 */
export default async function setup(): Promise<(() => void) | undefined> {
  if (process.env.ALLIANCE_TEST_PG_URL) return undefined;
  const bin = postgresBin();
  if (!bin) {
    if (process.env.CI) throw new Error('PostgreSQL is not installed: CI needs it (apt-get install postgresql)');
    process.env.ALLIANCE_TEST_PG_MISSING = 'PostgreSQL binaries not found under /usr/lib/postgresql';
    return undefined;
  }
  // Made outside the run's TMPDIR, which must be empty at the end, and owned by `postgres` when we are root
  // (initdb refuses to run as root).
  const dir = mkdtempSync(join(process.env.ALLIANCE_TEST_SYSTEM_TMPDIR ?? tmpdir(), 'alliance-pg-'));
  const asUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  if (asUser.length > 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  const run = (cmd: string, args: string[]) => {
    const all = [...asUser, join(bin, cmd), ...args];
    const r = spawnSync(all[0]!, all.slice(1), { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  const port = await freePort();
  run('pg_ctl', [
    '-D',
    data,
    '-w',
    '-l',
    join(dir, 'log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    'start',
  ]);
  run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'alliance_test']);
  process.env.ALLIANCE_TEST_PG_URL = `postgres://postgres@127.0.0.1:${port}/alliance_test`;
  return () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
