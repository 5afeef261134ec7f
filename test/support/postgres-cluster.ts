import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PostgreSQL started for one run: its URL (one database, trust authentication) and how to stop it. */
export interface PostgresCluster {
  url: string;
  /** Stops the server and removes its folder. */
  stop(): void;
}

/** What to install when there is none: the tests and the PostgreSQL bench say it the same way. */
export const POSTGRES_MISSING = "Debian's postgresql is not installed (apt-get install postgresql)";

/** The newest Debian PostgreSQL's bin folder, if one is installed. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/**
 * A throwaway cluster made with Debian's initdb in a temporary folder under `parent`, listening on a free
 * loopback port with trust authentication, holding the empty database `database`. Built for speed, not safety
 * (fsync off). Throws, naming the package to install, when PostgreSQL is not installed.
 */
export async function startPostgresCluster(
  database: string,
  parent: string = tmpdir(),
  bin: string | undefined = postgresBin(),
): Promise<PostgresCluster> {
  if (!bin) throw new Error(POSTGRES_MISSING);
  const dir = mkdtempSync(join(parent, 'alliance-pg-'));
  // initdb refuses to run as root: the cluster then belongs to `postgres`.
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
  let started = false;
  const stop = () => {
    try {
      if (started) run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
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
    started = true;
    run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database]);
    return { url: `postgres://postgres@127.0.0.1:${port}/${database}`, stop };
  } catch (err) {
    stop();
    throw err;
  }
}

/** Drops a schema and everything in it (a test's or a bench's study); returns how many tables it held. */
export async function dropPostgresSchema(url: string, schema: string): Promise<number> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'select count(*) as n from information_schema.tables where table_schema = $1',
      [schema],
    );
    await client.query(`drop schema if exists "${schema}" cascade`);
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
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
