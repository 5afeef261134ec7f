import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
import { postEach } from './collect-client';
import { ClientStats, collectGarbage, type ServerStats, spread } from './collect-stats';
import type { BenchSuite, Figure } from './figure';

const here = dirname(fileURLToPath(import.meta.url));
const SUBMISSIONS = Number(process.env.BENCH_COLLECT_N ?? 6000);
const CONCURRENCY = 32;
const BODY = '1=9.5&2=8&3=7.3&4=10';
const ms = (v: number) => `${v.toFixed(1)} ms`;

/**
 * Form submission under load: one SRS link per session, each posted once by a bounded pool of keep-alive
 * connections against `alliance serve`'s server in its own process (SQLite in WAL mode). Every answer's status
 * is checked; afterwards the store must hold exactly as many responses as were acknowledged with 200, and a
 * second post of a link must be refused with 410. The server's CPU time per submission is reported beside the
 * wall-clock figures, since on a shared machine it is the figure that means something.
 *
 * Where a tail comes from is printed above the table (collect-stats.ts): the server's own latencies, event-loop
 * delay, GC pauses by kind, commit times and group sizes, and the load generator's event-loop delay and GC.
 * BENCH_COLLECT_TRACE=FILE also writes every request's send time, latency and connection with the server's
 * requests, GC pauses and commits on the same clock. One start-up effect is Node's, not the server's: libuv
 * accepts one pending connection per event-loop turn, so of 32 connections opened at once under load the last is
 * accepted some 30 turns later, and its first request waits that long.
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

/** Asks the server child for the CPU time it has used so far (see collect-server.ts). */
function cpuProbe(child: ChildProcess): {
  nextLine: () => Promise<string>;
  serverCpuMs: () => Promise<number>;
  ask: () => Promise<{ cpuMs: number; stats: ReturnType<ServerStats['take']>; trace?: unknown }>;
} {
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`))),
  );
  exited.catch(() => {});
  const nextLine = async () => {
    const r = await Promise.race([lines.next(), exited]);
    if (r.done) throw new Error('bench server closed its output');
    return r.value as string;
  };
  return {
    nextLine,
    async ask() {
      child.stdin!.write('\n');
      return JSON.parse(await nextLine());
    },
    async serverCpuMs() {
      child.stdin!.write('\n');
      return (JSON.parse(await nextLine()) as { cpuMs: number }).cpuMs;
    },
  };
}

export const suite: BenchSuite = {
  name: 'collect',
  async run(): Promise<Figure[]> {
    const { root, dir, paths } = await prepare();
    // BENCH_COLLECT_PROF=FILE writes a CPU profile of the server during the load.
    // BENCH_COLLECT_NODE_ARGS="--flag …" starts the server's node with those flags (to try V8 settings).
    const nodeArgs = process.env.BENCH_COLLECT_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(here, 'collect-server.ts'), dir], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      const probe = cpuProbe(child);
      const url = new URL((JSON.parse(await probe.nextLine()) as { url: string }).url);
      // The bench process built the study and its 6,000 links just now; left to the collector, that garbage was
      // swept by a major GC of up to ~100 ms in the middle of the load, a pause of the load generator that every
      // request in flight counted as server latency. Swept before the clock starts, it is not measured.
      collectGarbage();
      const server0 = await probe.serverCpuMs();
      const own0 = process.cpuUsage();
      const client = new ClientStats();
      const load = await postEach(url, paths, BODY, CONCURRENCY);
      const own = process.cpuUsage(own0);
      const clientStats = client.take();
      const after = await probe.ask();
      const server = after.stats;
      const walPages = Math.round(statSync(join(dir, 'study.sqlite-wal')).size / 4096);
      const serverMs = after.cpuMs - server0;
      process.stderr.write(`  server: ${JSON.stringify(after.stats)}\n  client: ${JSON.stringify(clientStats)}\n`);
      process.stderr.write(
        `  client latency: ${JSON.stringify(spread([...load.latencies]))}; WAL file ${walPages} pages\n`,
      );
      if (process.env.BENCH_COLLECT_TRACE)
        writeFileSync(
          process.env.BENCH_COLLECT_TRACE,
          JSON.stringify({ sent: load.sent, latencies: load.latencies, via: load.via, server: after.trace }),
        );
      // Each link answers once: a second post of some of them must be refused, 410, and store nothing.
      const again = await postEach(url, paths.slice(0, 200), BODY, 8);
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      const study = await openStudy(dir);
      const stored = (await studyCounts(study.db)).responses;
      await study.close();

      const acknowledged = load.statuses.filter((s) => s === 200).length;
      const others = [...new Set(load.statuses.filter((s) => s !== 200))];
      const gone = again.statuses.filter((s) => s === 410).length;
      const latencies = [...load.latencies].sort((a, b) => a - b);
      const p99 = latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)]!;
      const rate = paths.length / load.seconds;
      const per = (ms: number) => ms / paths.length;
      return [
        {
          name: 'form submissions',
          value: rate,
          unit: 'submissions/s',
          target: '>= 1500',
          ok: rate >= 1500,
          note: `${paths.length} links posted once each, ${CONCURRENCY} keep-alive connections`,
        },
        {
          name: 'submission p99 latency',
          value: p99,
          unit: 'ms',
          target: '< 50',
          ok: p99 < 50,
          note: `over all ${latencies.length} requests`,
        },
        {
          name: 'stored - acknowledged',
          value: stored - acknowledged,
          unit: 'responses',
          target: '= 0',
          ok: stored === acknowledged && acknowledged === paths.length && gone === again.statuses.length,
          note:
            `${stored} stored, ${acknowledged} acknowledged with 200` +
            (others.length ? `, other statuses ${others.join(' ')}` : '') +
            `; ${gone}/${again.statuses.length} second posts answered 410`,
        },
        {
          name: 'server CPU per submission',
          value: per(serverMs),
          unit: 'ms',
          note: `load generator ${per((own.user + own.system) / 1000).toFixed(3)} ms CPU per submission`,
        },
        {
          // The client's figure adds what the server's own cannot see: the wait in the accept queue and the socket
          // while its event loop is busy, and the load generator's own delays (both printed above the table).
          name: 'submission p99, server side',
          value: server.requests.p99,
          unit: 'ms',
          note:
            `node:http's request event to the answer's last byte; longest commit ${ms(server.commits.max)}, ` +
            `GC pause ${ms(Math.max(0, ...Object.values(server.gc).map((g) => g.max)))}, ` +
            `event-loop delay p99 ${ms(server.loopDelay.p99)}; WAL file ${walPages} pages after the load`,
        },
      ];
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
      rmSync(root, { recursive: true, force: true });
    }
  },
};
