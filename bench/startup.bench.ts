import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchSuite, Figure } from './figure';

/**
 * Start-up of the alliance command against bare Node, in the same run: `alliance --help` (lists every command,
 * loads no store) and `alliance status --study DIR` on a small study (opens the store). The bin is run as a
 * user runs it, stale-build check included. Runs are interleaved, so a busy machine slows all three alike, and
 * each figure is the median of RUNS.
 */
const RUNS = 11;
const HELP_TARGET = 3;
const STATUS_TARGET = 4;

const BIN = fileURLToPath(new URL('../packages/cli/bin/alliance.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../test/fixtures/transcripts/sessions.jsonl', import.meta.url));

function run(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const suite: BenchSuite = {
  name: 'startup',
  async run(): Promise<Figure[]> {
    const dir = mkdtempSync(join(tmpdir(), 'alliance-startup-'));
    try {
      const study = join(dir, 'study');
      // Also brings dist/ up to date, so no rebuild lands inside a timed run.
      run([BIN, 'init', study, '--quiet']);
      run([BIN, 'import', 'transcripts', '--study', study, FIXTURE, '--quiet']);
      const times = { node: [] as number[], help: [] as number[], status: [] as number[] };
      for (let i = 0; i < RUNS; i++) {
        times.node.push(run(['-e', '0']));
        times.help.push(run([BIN, '--help']));
        times.status.push(run([BIN, 'status', '--study', study]));
      }
      const node = median(times.node);
      const help = median(times.help);
      const status = median(times.status);
      return [
        { name: 'node -e 0', value: node, unit: 'ms', note: `median of ${RUNS}` },
        { name: 'alliance --help', value: help, unit: 'ms', note: `median of ${RUNS}` },
        {
          name: 'alliance --help / node -e 0',
          value: help / node,
          unit: 'x',
          target: `<= ${HELP_TARGET}x`,
          ok: help / node <= HELP_TARGET,
        },
        { name: 'alliance status --study', value: status, unit: 'ms', note: `median of ${RUNS}, a 3-session study` },
        {
          name: 'alliance status / node -e 0',
          value: status / node,
          unit: 'x',
          target: `<= ${STATUS_TARGET}x`,
          ok: status / node <= STATUS_TARGET,
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
