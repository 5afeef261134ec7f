import { spawnSync } from 'node:child_process';
import { closeSync, createWriteStream, fsyncSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initStudy } from '@alliance-lab/core';
import type { BenchSuite, Figure } from './figure';
import { createRng } from '@alliance-lab/core/stats';

const SESSIONS = 10_000;
const UTTERANCES = 300;
const TARGET_RATE = 200_000;
const TARGET_RSS_MB = 500;

const WORDS = (
  'I you we it feel felt think know want need week work sleep home family talk talked talking really just maybe ' +
  'sometimes always never again still so and but because when then that this what how about with without hard ' +
  'easier better worse tired anxious calm angry sad hopeful stuck moving forward back plan goal try tried small ' +
  'step notice noticed sounds like makes sense together agree right okay yeah hmm mother father partner friend boss'
).split(' ');

async function writeJsonl(file: string): Promise<void> {
  const rand = createRng(2026).next;
  const out = createWriteStream(file);
  for (let s = 0; s < SESSIONS; s++) {
    const utterances = [];
    let t = 0;
    for (let u = 0; u < UTTERANCES; u++) {
      const n = 4 + Math.floor(rand() * 26);
      const words: string[] = [];
      for (let w = 0; w < n; w++) words.push(WORDS[Math.floor(rand() * WORDS.length)]!);
      const dur = Math.round((1 + n * 0.35) * 1000) / 1000;
      const role = u % 2 === 0 ? 'therapist' : 'client';
      utterances.push({
        id: `u${String(u + 1).padStart(4, '0')}`,
        role,
        speaker: role === 'therapist' ? 'Therapist' : 'Client',
        text: `${words.join(' ')}.`,
        start: t,
        end: Math.round((t + dur) * 1000) / 1000,
      });
      t = Math.round((t + dur + 0.4) * 1000) / 1000;
    }
    const line = `${JSON.stringify({ client: `C${String(s).padStart(5, '0')}`, therapist: `T${s % 40}`, session: 1 + (s % 12), date: '2026-01-05', utterances })}\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  // Flush the half gigabyte now, or the kernel writes it back during the timed import and the figure measures the disk.
  const fd = openSync(file, 'r');
  fsyncSync(fd);
  closeSync(fd);
}

export const suite: BenchSuite = {
  name: 'import',
  async run(): Promise<Figure[]> {
    const dir = mkdtempSync(join(tmpdir(), 'alliance-import-bench-'));
    try {
      const file = join(dir, 'sessions.jsonl');
      await writeJsonl(file);
      const bytes = statSync(file).size;
      await (await initStudy(join(dir, 'study'), { name: 'bench' })).close();
      const child = join(dirname(fileURLToPath(import.meta.url)), 'import-child.ts');
      const spawned = performance.now();
      const r = spawnSync(process.execPath, ['--import', 'tsx', child, join(dir, 'study'), file], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      });
      const processSeconds = (performance.now() - spawned) / 1000;
      if (r.status !== 0) throw new Error(`import child failed (${r.status}): ${r.stderr}`);
      const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
        code: number;
        seconds: number;
        maxRssKb: number;
        summary: { utterances: number } | null;
        stderr: string;
      };
      if (res.code !== 0 || !res.summary) throw new Error(`import failed: ${res.stderr}`);
      const total = SESSIONS * UTTERANCES;
      if (res.summary.utterances !== total)
        throw new Error(`imported ${res.summary.utterances} utterances, expected ${total}`);
      const rate = total / res.seconds;
      const rssMb = res.maxRssKb / 1024;
      const what = `${SESSIONS.toLocaleString('en-US')} sessions x ${UTTERANCES} utterances, ${(bytes / 1e6).toFixed(0)} MB JSONL`;
      return [
        {
          name: 'import JSONL: throughput',
          value: rate,
          unit: 'utt/s',
          target: `>= ${TARGET_RATE.toLocaleString('en-US')} utt/s`,
          ok: rate >= TARGET_RATE,
          note: `${what}; ${res.seconds.toFixed(1)} s in the command, ${processSeconds.toFixed(1)} s with process start-up`,
        },
        {
          name: 'import JSONL: peak memory',
          value: rssMb,
          unit: 'MB',
          target: `< ${TARGET_RSS_MB} MB`,
          ok: rssMb < TARGET_RSS_MB,
          note: 'maxRSS of the importing process',
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
