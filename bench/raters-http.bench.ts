import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultServices, rateStudy } from '@alliance-lab/raters';
import { createFixtureStudy } from '@alliance-lab/raters/testing';
import type { BenchSuite, Figure } from './figure';

const here = dirname(fileURLToPath(import.meta.url));

/** Starts the loopback model server in a child process and returns its base URL. */
export async function startServer(latencyMs: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'raters-http-server.ts'), String(latencyMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`loopback server exited with ${code}`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, child };
}

/** Rates every session of a fresh fixture study through the openai provider and the real SDK; ratings per second. */
async function measure(
  latencyMs: number,
  sessions: number,
  concurrency: number,
): Promise<{ perSecond: number; rated: number; failed: number }> {
  const { url, child } = await startServer(latencyMs);
  const clients = Math.ceil(sessions / 10);
  const { study } = await createFixtureStudy({
    clients,
    sessionsPerClient: 10,
    raters: { bench: { provider: 'openai', model: 'loopback', baseUrl: url } },
  });
  try {
    const started = performance.now();
    const { summary } = await rateStudy(study, {
      rater: 'bench',
      concurrency,
      services: defaultServices(study),
      env: {},
    });
    const seconds = (performance.now() - started) / 1000;
    return { perSecond: (summary.rated + summary.failed) / seconds, rated: summary.rated, failed: summary.failed };
  } finally {
    await study.close();
    child.kill();
  }
}

export const suite: BenchSuite = {
  name: 'raters-http',
  async run(): Promise<Figure[]> {
    // A warm-up run so module loading and JIT do not count against the first figure.
    await measure(0, 100, 16);
    const fast = await measure(0, 3000, 16);
    const slow = await measure(300, 640, 32);
    const ideal = 32 / 0.3;
    return [
      {
        name: 'ratings/s, zero-latency server, concurrency 16',
        value: fast.perSecond,
        unit: 'ratings/s',
        target: '>= 500 ratings/s',
        ok: fast.perSecond >= 500 && fast.failed === 0,
        note: `${fast.rated} rated through the openai SDK over loopback HTTP, validated, stored and scored`,
      },
      {
        name: 'ratings/s, 300 ms server latency, concurrency 32',
        value: slow.perSecond,
        unit: 'ratings/s',
        target: `>= 90% of ideal ${ideal.toFixed(1)}`,
        ok: slow.perSecond >= 0.9 * ideal && slow.failed === 0,
        note: `${((slow.perSecond / ideal) * 100).toFixed(1)}% of ideal`,
      },
    ];
  },
};
