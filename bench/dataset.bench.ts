import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchSuite, Figure } from './figure';

const ROWS = 1_000_000;
const TARGETS = { csv: { seconds: 3, rssMb: 300 }, parquet: { seconds: 5, rssMb: Number.POSITIVE_INFINITY } };

/** The dataset export's table writer: a million score rows streamed to CSV and to Parquet, each in its own process. */
export const suite: BenchSuite = {
  name: 'dataset',
  async run(): Promise<Figure[]> {
    const figures: Figure[] = [];
    const child = join(dirname(fileURLToPath(import.meta.url)), 'dataset-child.ts');
    for (const format of ['csv', 'parquet'] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'alliance-dataset-bench-'));
      try {
        const r = spawnSync(process.execPath, ['--import', 'tsx', child, dir, format, String(ROWS)], {
          encoding: 'utf8',
        });
        if (r.status !== 0) throw new Error(`dataset child failed (${r.status}): ${r.stderr}`);
        const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
          seconds: number;
          cpuSeconds: number;
          rows: number;
          maxRssKb: number;
        };
        if (res.rows !== ROWS) throw new Error(`wrote ${res.rows} rows, expected ${ROWS}`);
        const mb = statSync(join(dir, `scores.${format}`)).size / 1e6;
        const rssMb = res.maxRssKb / 1024;
        const t = TARGETS[format];
        figures.push({
          name: `export dataset: 1,000,000 score rows to ${format}`,
          value: res.seconds,
          unit: 's',
          target: `< ${t.seconds} s`,
          ok: res.seconds < t.seconds,
          note: `${mb.toFixed(0)} MB file; ${res.cpuSeconds.toFixed(1)} s CPU (rows generated in the same process); peak memory ${rssMb.toFixed(0)} MB`,
        });
        if (Number.isFinite(t.rssMb))
          figures.push({
            name: `export dataset: peak memory, ${format}`,
            value: rssMb,
            unit: 'MB',
            target: `< ${t.rssMb} MB`,
            ok: rssMb < t.rssMb,
          });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    return figures;
  },
};
