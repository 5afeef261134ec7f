import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFixtureStudy, startLoopbackServer, validAnswer } from '@alliance-lab/raters/testing';
import { ALLIANCE_BIN } from '../test/support/alliance-process';
import startPostgres from '../test/support/postgres-setup';
import type { BenchSuite, Figure } from './figure';

const LATENCY_MS = 300;
const JOBS = 160;
const CONCURRENCY = 4;

function alliance(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [ALLIANCE_BIN, ...args], {
      env: { ...process.env, ALLIANCE_STORE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

/**
 * Enqueues JOBS ratings of a fresh study, starts `workers` worker processes at once against a provider answering
 * after 300 ms, and returns ratings per second between the first request and the last (process start-up is not
 * the figure: both runs pay it once, in parallel).
 */
async function measure(queueUrl: string, workers: number): Promise<{ perSecond: number; requests: number }> {
  const server = await startLoopbackServer({
    latencyMs: LATENCY_MS,
    handler: () => ({ kind: 'answer', output: validAnswer(), usage: { input: 900, output: 400, cached: 0 } }),
  });
  const { dir, study } = await createFixtureStudy({
    clients: JOBS / 10,
    sessionsPerClient: 10,
    raters: { bench: { provider: 'openai', model: 'loopback', baseUrl: server.openaiBaseUrl } },
  });
  await study.close();
  const file = join(dir, 'study.json');
  const config = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, JSON.stringify({ ...config, name: `queue bench ${workers} ${Date.now()}` }));
  try {
    const q = ['--queue-url', queueUrl];
    const e = await alliance(['rate', '--study', dir, '--rater', 'bench', '--enqueue', '--json', ...q]);
    if (e.code !== 0) throw new Error(`enqueue failed: ${e.stderr}`);
    const runs = await Promise.all(
      Array.from({ length: workers }, () =>
        alliance(['worker', '--study', dir, '--concurrency', String(CONCURRENCY), '--drain', '--json', ...q]),
      ),
    );
    for (const r of runs) if (r.code !== 0) throw new Error(`worker failed: ${r.stderr}`);
    const times = server.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
    // The last request is answered LATENCY_MS after it arrives.
    const seconds = (times[times.length - 1]! - times[0]! + LATENCY_MS) / 1000;
    return { perSecond: times.length / seconds, requests: times.length };
  } finally {
    await server.close();
  }
}

export const suite: BenchSuite = {
  name: 'queue-workers',
  async run(): Promise<Figure[]> {
    // ALLIANCE_TEST_PG_URL names a running PostgreSQL; otherwise a throwaway cluster, as the tests get.
    const stop = await startPostgres();
    try {
      const url = process.env.ALLIANCE_TEST_PG_URL;
      if (!url) throw new Error(`no PostgreSQL for the queue bench: ${process.env.ALLIANCE_TEST_PG_MISSING ?? ''}`);
      const one = await measure(url, 1);
      const two = await measure(url, 2);
      const ratio = two.perSecond / one.perSecond;
      return [
        {
          name: `two workers / one, 300 ms provider latency, concurrency ${CONCURRENCY} each`,
          value: ratio,
          unit: '×',
          target: '>= 1.8×',
          ok: ratio >= 1.8 && one.requests === JOBS && two.requests === JOBS,
          note: `one worker ${one.perSecond.toFixed(1)} ratings/s, two ${two.perSecond.toFixed(1)} ratings/s; ${JOBS} jobs through pg-boss, each key asked once (${one.requests}, ${two.requests} requests)`,
        },
      ];
    } finally {
      stop?.();
    }
  },
};
