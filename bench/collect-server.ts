// Child process of collect.bench.ts: serves a study folder on a loopback port as `alliance serve` does, prints
// {"url"} on stdout, then answers each line on stdin with the CPU time it has used so far and what it saw since
// the previous ask (see collect-stats.ts).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { openStudy } from '@alliance-lab/core';
import { createStudyServer } from '@alliance-lab/server';
import { ServerStats } from './collect-stats';

const study = await openStudy(process.argv[2]!, { actor: 'bench' });
const server = createStudyServer(study, { host: '127.0.0.1', onError: (m) => process.stderr.write(`${m}\n`) });
const stats = new ServerStats(server, study.sqlite!);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});

// BENCH_COLLECT_PROF=FILE writes a CPU profile of the server between the two asks that say "profile": the loads,
// not the start.
const profile = process.env.BENCH_COLLECT_PROF;
const inspector = profile ? new Session() : undefined;
let profiling = false;
createInterface({ input: process.stdin }).on('line', (line) => {
  const u = process.cpuUsage();
  const { trace, ...seen } = stats.take();
  process.stdout.write(`${JSON.stringify({ cpuMs: (u.user + u.system) / 1000, stats: seen, trace })}\n`);
  if (!inspector || !profile || line !== 'profile') return;
  if (!profiling) {
    profiling = true;
    inspector.connect();
    inspector.post('Profiler.enable', () => inspector.post('Profiler.start'));
  } else
    inspector.post('Profiler.stop', (err, r) => {
      if (!err) writeFileSync(profile, JSON.stringify(r.profile));
    });
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void study.close().then(() => process.exit(0));
});
