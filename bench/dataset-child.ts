import { mkdirSync } from 'node:fs';
import { openStudy } from '@alliance-lab/core';
import { type DataFormat, datasetContext, exportDataset, writeScoreTables } from '@alliance-lab/core/dataset';

/**
 * Child process of dataset.bench.ts: exports the benchmark's study (a million score rows) and reports its wall and
 * CPU time and peak memory as one JSON line; its own process, so the peak is the export's alone. `scores` writes
 * the dataset's scores table as `alliance export dataset` does (the store streamed into its files, scores_wide's
 * sums and the rupture series kept beside it); `dataset` runs the whole export.
 */
const [what, studyDir, out, formats] = process.argv.slice(2) as ['scores' | 'dataset', string, string, string];
const started = performance.now();
const cpu = process.cpuUsage();
const study = await openStudy(studyDir);
try {
  const asked = formats.split(',') as DataFormat[];
  let rows: number;
  let bytes: Record<string, number>;
  if (what === 'scores') {
    mkdirSync(out, { recursive: true });
    const ctx = await datasetContext(study, { identified: false, includeText: false });
    const t = await writeScoreTables(study, out, ctx, asked);
    rows = t.scores.rows;
    bytes = Object.fromEntries(Object.entries(t.scores.written).map(([f, e]) => [f, e.bytes]));
  } else {
    const s = await exportDataset(study, { out, formats: asked, identified: false, includeText: false, force: false });
    rows = s.tables.scores!;
    bytes = Object.fromEntries(Object.entries(s.files).map(([f, e]) => [f, e.bytes]));
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  process.stdout.write(
    `${JSON.stringify({ seconds, cpuSeconds: (used.user + used.system) / 1e6, rows, bytes, maxRssKb: process.resourceUsage().maxRSS })}\n`,
  );
} finally {
  await study.close();
}
