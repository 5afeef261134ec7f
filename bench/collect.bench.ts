import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  collectionCells,
  ensureSession,
  initStudy,
  issueLinks,
  openStudy,
  readLinkKey,
  studyCounts,
} from '@alliance-lab/core';
import { loadRegistry } from '@alliance-lab/instruments';
import type { BenchSuite, Figure } from './figure';

const here = dirname(fileURLToPath(import.meta.url));
const SUBMISSIONS = Number(process.env.BENCH_COLLECT_N ?? 6000);
const CONCURRENCY = 32;
const BODY = '1=9.5&2=8&3=7.3&4=10';

/**
 * Form submission under load: one SRS link per session, each posted once by a bounded pool of keep-alive
 * connections against `alliance serve`'s app in its own process (SQLite in WAL mode). Afterwards the store must
 * hold exactly as many responses as were acknowledged with 200.
 */
async function prepare(): Promise<{ root: string; dir: string; paths: string[] }> {
  const root = mkdtempSync(join(tmpdir(), 'bench-collect-'));
  const dir = join(root, 'study');
  const study = await initStudy(dir, {
    name: 'bench',
    instruments: [{ instrument: 'srs', form: 'client', schedule: { every: 1 } }],
  });
  const today = new Date().toISOString().slice(0, 10);
  await study.db.transaction().execute(async (trx) => {
    for (let i = 0; i < SUBMISSIONS; i++)
      await ensureSession(trx, {
        client: `C${Math.floor(i / 10)}`,
        therapist: 'T1',
        session: (i % 10) + 1,
        date: today,
      });
  });
  const registry = loadRegistry({ studyDir: dir });
  const cells = await collectionCells(study.db, study.config);
  const links = await issueLinks(study.db, readLinkKey(dir), cells, (i) => registry.definition(i).version);
  await study.close();
  return { root, dir, paths: links.map((l) => `/f/${l.token}`) };
}

function post(agent: Agent, url: URL, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(BODY) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(BODY);
  });
}

export const suite: BenchSuite = {
  name: 'collect',
  async run(): Promise<Figure[]> {
    const { root, dir, paths } = await prepare();
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'collect-server.ts'), dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
      });
      const url = new URL((JSON.parse(line) as { url: string }).url);
      const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
      // Warm-up on a few links (their responses count too).
      let next = 0;
      const latencies: number[] = [];
      let acknowledged = 0;
      let refused = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < paths.length) {
            const path = paths[next++]!;
            const t0 = performance.now();
            const status = await post(agent, url, path);
            latencies.push(performance.now() - t0);
            if (status === 200) acknowledged++;
            else refused++;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      agent.destroy();
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      const study = await openStudy(dir);
      const stored = (await studyCounts(study.db)).responses;
      await study.close();
      latencies.sort((a, b) => a - b);
      const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!;
      const rate = paths.length / seconds;
      return [
        {
          name: 'form submissions',
          value: rate,
          unit: 'submissions/s',
          target: '>= 1500',
          ok: rate >= 1500,
          note: `${paths.length} posts, ${CONCURRENCY} connections`,
        },
        { name: 'submission p99 latency', value: p99, unit: 'ms', target: '< 50', ok: p99 < 50 },
        {
          name: 'stored - acknowledged',
          value: stored - acknowledged,
          unit: 'responses',
          target: '= 0',
          ok: stored === acknowledged && refused === 0,
          note: `${stored} stored, ${acknowledged} acknowledged, ${refused} refused`,
        },
      ];
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
      rmSync(root, { recursive: true, force: true });
    }
  },
};
