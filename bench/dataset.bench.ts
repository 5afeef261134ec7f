import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

function exportIn(child: string, what: 'scores' | 'dataset', study: string, out: string, formats: string): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, what, study, out, formats], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dataset child failed (${r.status}): ${r.stderr}`);
  const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
  if (res.rows !== SCORE_ROWS) throw new Error(`exported ${res.rows} score rows, expected ${SCORE_ROWS}`);
  return res;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

/**
 * The dataset export of a store holding a million score rows (built beforehand through the store's bulk seeding,
 * outside the timing), each export in its own process so its peak resident memory is its own. The issue's
 * figures are the scores table's, as `export dataset` writes it (writeScoreTables): the million rows read from the
 * store and written to scores.csv alone, with scores_wide's sums and the rupture rule's series kept in memory
 * beside them (no other file is written); then to scores.csv and scores.parquet together, as the export writes
 * them (it always writes CSV); then to scores.parquet alone, for what the Parquet costs by itself. The whole
 * `export dataset` follows for context: its other tables hold the study's 200,000 responses' audit rows. Each
 * figure is wall time from opening the study; the note gives CPU time, as the machine may be shared.
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
      const load = () => `load average ${loadavg()[0]!.toFixed(1)}`;

      const csv = exportIn(child, 'scores', study, join(dir, 'csv'), 'csv');
      figures.push(
        {
          name: 'export dataset: 1,000,000 score rows to scores.csv',
          value: csv.seconds,
          unit: 's',
          target: `< ${TARGETS.csv.seconds} s`,
          ok: csv.seconds < TARGETS.csv.seconds,
          note: `${(csv.seconds / TARGETS.csv.seconds).toFixed(2)} of target; ${csv.cpuSeconds.toFixed(2)} s CPU; scores.csv ${mb(csv.bytes['scores.csv']!)}, no other file (scores_wide's sums kept in memory); store built in ${built.seconds.toFixed(0)} s; ${load()}`,
        },
        {
          name: 'export dataset: peak memory, 1,000,000 score rows to scores.csv',
          value: csv.maxRssKb / 1024,
          unit: 'MB',
          target: `< ${TARGETS.csv.rssMb} MB`,
          ok: csv.maxRssKb / 1024 < TARGETS.csv.rssMb,
          note: `${(csv.maxRssKb / 1024 / TARGETS.csv.rssMb).toFixed(2)} of target; maxRSS of the export's process`,
        },
      );

      const pq = exportIn(child, 'scores', study, join(dir, 'parquet'), 'csv,parquet');
      figures.push({
        name: 'export dataset: 1,000,000 score rows to scores.csv and scores.parquet',
        value: pq.seconds,
        unit: 's',
        target: `< ${TARGETS.parquet.seconds} s`,
        ok: pq.seconds < TARGETS.parquet.seconds,
        note: `${(pq.seconds / TARGETS.parquet.seconds).toFixed(2)} of target; ${pq.cpuSeconds.toFixed(2)} s CPU; scores.parquet ${mb(pq.bytes['scores.parquet']!)}; peak memory ${(pq.maxRssKb / 1024).toFixed(0)} MB; both files, as the export writes them; ${load()}`,
      });

      const only = exportIn(child, 'scores', study, join(dir, 'parquet-only'), 'parquet');
      figures.push({
        name: 'export dataset: 1,000,000 score rows to scores.parquet alone',
        value: only.seconds,
        unit: 's',
        note: `${only.cpuSeconds.toFixed(2)} s CPU; peak memory ${(only.maxRssKb / 1024).toFixed(0)} MB; what the Parquet costs without the CSV (the export always writes both); ${load()}`,
      });

      const all = exportIn(child, 'dataset', study, join(dir, 'dataset'), 'csv');
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
