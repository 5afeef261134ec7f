import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importTranscriptFiles, initStudy, type Study } from '@alliance-lab/core';
import { createRng } from '@alliance-lab/core/stats';
import { defaultServices, rateStudy } from '@alliance-lab/raters';
import { sessionUtterances } from '@alliance-lab/raters/testing';
import { dropPostgresSchema, type PostgresCluster, startPostgresCluster } from '../test/support/postgres-cluster';
import type { BenchSuite, Figure } from './figure';
import { startServer } from './raters-http.bench';

const SESSIONS = 600;
const UTTERANCES = 200;
const CONCURRENCY = 16;

const WORDS = (
  'I you we it feel think know want need week work sleep home family talk really just maybe sometimes again ' +
  'still so and but because when then that this what how about hard easier better tired calm stuck plan goal'
).split(' ');

/**
 * SESSIONS sessions of UTTERANCES utterances: the rater fixture's six (so the loopback server's one scripted answer
 * is valid for every session, its quote included) followed by generated talk.
 */
async function writeTranscripts(file: string): Promise<number> {
  const rand = createRng(13).next;
  const out = createWriteStream(file);
  let utterances = 0;
  for (let s = 0; s < SESSIONS; s++) {
    const client = `C${String(Math.floor(s / 10)).padStart(3, '0')}`;
    const session = (s % 10) + 1;
    const talk = sessionUtterances(client, session);
    for (let u = talk.length; u < UTTERANCES; u++) {
      const n = 4 + Math.floor(rand() * 20);
      const words = Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]!);
      talk.push({ id: `u${u + 1}`, role: u % 2 === 0 ? 'therapist' : 'client', text: `${words.join(' ')}.` });
    }
    utterances += talk.length;
    const line = `${JSON.stringify({ client, therapist: `T${s % 7}`, session, utterances: talk })}\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return utterances;
}

interface Timing {
  wall: number;
  cpu: number;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T } & Timing> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const cpu = process.cpuUsage(cpu0);
  return { result, wall: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

/** Imports the transcript file into a new study on `store` (a PostgreSQL URL, or SQLite), then rates it. */
async function measure(
  dir: string,
  file: string,
  baseUrl: string,
  store: string | undefined,
): Promise<{ import: Timing; rate: Timing }> {
  const study: Study = await initStudy(
    dir,
    { name: 'postgres bench', raters: { bench: { provider: 'openai', model: 'loopback', baseUrl } } },
    store === undefined ? { store: 'config' } : { store },
  );
  try {
    const imported = await timed(() => importTranscriptFiles(study, { files: [file] }));
    if (imported.result.sessionsImported !== SESSIONS)
      throw new Error(`imported ${imported.result.sessionsImported} sessions, expected ${SESSIONS}`);
    const rated = await timed(() =>
      rateStudy(study, { rater: 'bench', concurrency: CONCURRENCY, services: defaultServices(study), env: {} }),
    );
    const { summary } = rated.result;
    if (summary.rated !== SESSIONS || summary.failed !== 0)
      throw new Error(`rated ${summary.rated} and failed ${summary.failed} of ${SESSIONS} sessions`);
    return { import: imported, rate: rated };
  } finally {
    await study.close();
  }
}

/** ALLIANCE_BENCH_PG_URL (a database the bench may create a schema in), else a throwaway cluster. */
async function postgres(): Promise<PostgresCluster & { external: boolean }> {
  const given = process.env.ALLIANCE_BENCH_PG_URL;
  if (given) return { url: given, stop: () => {}, external: true };
  try {
    return { ...(await startPostgresCluster('alliance_bench')), external: false };
  } catch (err) {
    throw new Error(
      `the postgres bench needs a PostgreSQL: ${(err as Error).message}, or set ALLIANCE_BENCH_PG_URL to a database it may create schemas in`,
    );
  }
}

const seconds = (t: Timing) => `${t.wall.toFixed(2)} s (${t.cpu.toFixed(2)} s CPU)`;

export const suite: BenchSuite = {
  name: 'postgres',
  async run(): Promise<Figure[]> {
    const pg = await postgres();
    const dir = mkdtempSync(join(tmpdir(), 'alliance-pg-bench-'));
    const server = await startServer(0);
    const schemas: string[] = [];
    const onPostgres = (name: string) => {
      const schema = `bench_${process.pid}_${name}_${Date.now().toString(36)}`;
      schemas.push(schema);
      return `${pg.url}${pg.url.includes('?') ? '&' : '?'}schema=${schema}`;
    };
    try {
      const file = join(dir, 'transcripts.jsonl');
      const utterances = await writeTranscripts(file);
      // A warm-up of each, so module loading, JIT and the first connections count against neither figure.
      await measure(join(dir, 'warm-sqlite'), file, server.url, undefined);
      await measure(join(dir, 'warm-pg'), file, server.url, onPostgres('warm'));
      const sqlite = await measure(join(dir, 'sqlite'), file, server.url, undefined);
      const postgres = await measure(join(dir, 'pg'), file, server.url, onPostgres('run'));
      const what = `${SESSIONS} sessions x ${UTTERANCES} utterances (${utterances.toLocaleString('en-US')})`;
      const cpuNote =
        'CPU is this process only; on PostgreSQL part of the work is the server’s. No target: issue #13 asks for the ratio';
      return [
        {
          name: 'import transcripts: PostgreSQL / SQLite wall time',
          value: postgres.import.wall / sqlite.import.wall,
          unit: 'x',
          note: `${what}; SQLite ${seconds(sqlite.import)}, PostgreSQL ${seconds(postgres.import)}; ${cpuNote}`,
        },
        {
          name: `rate (loopback openai, concurrency ${CONCURRENCY}): PostgreSQL / SQLite wall time`,
          value: postgres.rate.wall / sqlite.rate.wall,
          unit: 'x',
          note: `${SESSIONS} ratings validated, stored and scored; SQLite ${seconds(sqlite.rate)}, PostgreSQL ${seconds(postgres.rate)}; ${cpuNote}`,
        },
      ];
    } finally {
      server.child.kill();
      // Not over the error that got here (an unreachable server fails both).
      if (pg.external) for (const schema of schemas) await dropPostgresSchema(pg.url, schema).catch(() => {});
      pg.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
