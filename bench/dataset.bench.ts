import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDatasetStudy, SCORE_ROWS } from './dataset-study';
import type { BenchSuite, Figure } from './figure';

/** The targets: a million score rows to CSV in under 3 s and 300 MB, and to Parquet in under 5 s. */
const TARGETS = { csv: { seconds: 3, rssMb: 300 }, parquet: { seconds: 5 } };

interface ChildResult {
  seconds: number;
  cpuSeconds: number;
  rows: number;
  bytes: Record<string, number>;
  maxRssKb: number;
}

/** Runs each timed export; a figure is the median of these runs (hyperfine's habit), the others in its note. */
const RUNS = Number(process.env.BENCH_DATASET_RUNS ?? 3);

function exportOnce(
  child: string,
  what: 'scores' | 'dataset',
  study: string,
  out: string,
  formats: string,
): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, what, study, out, formats], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dataset child failed (${r.status}): ${r.stderr}`);
  const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
  if (res.rows !== SCORE_ROWS) throw new Error(`exported ${res.rows} score rows, expected ${SCORE_ROWS}`);
  // The files written are flushed (and then removed) before the next run, so no run pays for writing back another's.
  flushFolder(out);
  rmSync(out, { recursive: true, force: true });
  return res;
}

/** `runs` exports into folders of their own: the run of median wall time, with every run's time and the peak. */
function exportIn(
  child: string,
  what: 'scores' | 'dataset',
  study: string,
  out: string,
  formats: string,
  runs = RUNS,
): ChildResult & { all: number[] } {
  const results = Array.from({ length: runs }, (_, i) => exportOnce(child, what, study, `${out}-${i + 1}`, formats));
  const sorted = [...results].sort((a, b) => a.seconds - b.seconds);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return {
    ...median,
    // The peak is the largest of the runs: memory is not noisy the way time is, and a limit holds for every run.
    maxRssKb: Math.max(...results.map((r) => r.maxRssKb)),
    all: results.map((r) => r.seconds),
  };
}

/** fsync of every file in a folder: what was written reaches the disk before anything is timed. */
function flushFolder(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isFile()) continue;
    const fd = openSync(join(dir, e.name), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

const runsNote = (r: { all: number[] }) =>
  r.all.length > 1 ? `median of ${r.all.length} runs (${r.all.map((s) => s.toFixed(2)).join(', ')} s)` : '1 run';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

/**
 * The dataset export of a store holding a million score rows (built beforehand through the store's bulk seeding,
 * outside the timing), each export in its own process so its peak resident memory is its own. The issue's
 * figures are the scores table's, as `export dataset` writes it (writeScoreTables): the million rows read from the
 * store and written to scores.csv alone, with scores_wide's sums and the rupture rule's series kept in memory
 * beside them (no other file is written); then to scores.csv and scores.parquet together, as the export writes
 * them (it always writes CSV); then to scores.parquet alone, for what the Parquet costs by itself. The whole
 * `export dataset` follows for context: its other tables hold the study's 200,000 responses' audit rows. Each
 * figure is wall time from opening the study, the median of three runs (BENCH_DATASET_RUNS) each in a fresh process
 * with the files of the one before flushed to disk; the note gives every run's time and CPU time, as the machine
 * may be shared.
 */
export const suite: BenchSuite = {
  name: 'dataset',
  async run(): Promise<Figure[]> {
    const figures: Figure[] = [];
    const child = join(dirname(fileURLToPath(import.meta.url)), 'dataset-child.ts');
    const dir = mkdtempSync(join(tmpdir(), 'alliance-dataset-bench-'));
    try {
      const study = join(dir, 'study');
      const built = await buildDatasetStudy(study);
      // Closing the store checkpointed its write-ahead log into a file of some 270 MB; left to the kernel, writing
      // those pages back ran during the first export and cost it up to half a second.
      flushFolder(study);
      const load = () => `load average ${loadavg()[0]!.toFixed(1)}`;

      const csv = exportIn(child, 'scores', study, join(dir, 'csv'), 'csv');
      figures.push(
        {
          name: 'export dataset: 1,000,000 score rows to scores.csv',
          value: csv.seconds,
          unit: 's',
          target: `< ${TARGETS.csv.seconds} s`,
          ok: csv.seconds < TARGETS.csv.seconds,
          note: `${(csv.seconds / TARGETS.csv.seconds).toFixed(2)} of target; ${runsNote(csv)}; ${csv.cpuSeconds.toFixed(2)} s CPU; scores.csv ${mb(csv.bytes['scores.csv']!)}, no other file (scores_wide's sums kept in memory); store built in ${built.seconds.toFixed(0)} s; ${load()}`,
        },
        {
          name: 'export dataset: peak memory, 1,000,000 score rows to scores.csv',
          value: csv.maxRssKb / 1024,
          unit: 'MB',
          target: `< ${TARGETS.csv.rssMb} MB`,
          ok: csv.maxRssKb / 1024 < TARGETS.csv.rssMb,
          note: `${(csv.maxRssKb / 1024 / TARGETS.csv.rssMb).toFixed(2)} of target; maxRSS of the export's process, the largest of its runs`,
        },
      );

      const pq = exportIn(child, 'scores', study, join(dir, 'parquet'), 'csv,parquet');
      figures.push({
        name: 'export dataset: 1,000,000 score rows to scores.csv and scores.parquet',
        value: pq.seconds,
        unit: 's',
        target: `< ${TARGETS.parquet.seconds} s`,
        ok: pq.seconds < TARGETS.parquet.seconds,
        note: `${(pq.seconds / TARGETS.parquet.seconds).toFixed(2)} of target; ${runsNote(pq)}; ${pq.cpuSeconds.toFixed(2)} s CPU; scores.parquet ${mb(pq.bytes['scores.parquet']!)}; peak memory ${(pq.maxRssKb / 1024).toFixed(0)} MB; both files, as the export writes them; ${load()}`,
      });

      const only = exportIn(child, 'scores', study, join(dir, 'parquet-only'), 'parquet');
      figures.push({
        name: 'export dataset: 1,000,000 score rows to scores.parquet alone',
        value: only.seconds,
        unit: 's',
        note: `${runsNote(only)}; ${only.cpuSeconds.toFixed(2)} s CPU; peak memory ${(only.maxRssKb / 1024).toFixed(0)} MB; what the Parquet costs without the CSV (the export always writes both); ${load()}`,
      });

      const all = exportIn(child, 'dataset', study, join(dir, 'dataset'), 'csv', 1);
      figures.push({
        name: 'export dataset: the whole folder (CSV) of that store',
        value: all.seconds,
        unit: 's',
        note: `${all.cpuSeconds.toFixed(2)} s CPU; peak memory ${(all.maxRssKb / 1024).toFixed(0)} MB; ${load()}`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
};
