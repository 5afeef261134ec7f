import { columnsFor, type DataFormat, TABLES, TableWriter } from '@alliance-lab/core/dataset';

/**
 * Child process of dataset.bench.ts: streams N score rows, shaped as the dataset's scores table, through the
 * export's table writer to one format, and reports its wall time and peak memory as one JSON line.
 */
const [dir, format, n] = process.argv.slice(2) as [string, DataFormat, string];
const spec = TABLES.find((t) => t.name === 'scores')!;
const columns = columnsFor(spec, { identified: false, includeText: false });
const SCALES = ['goal', 'task', 'bond', 'total'];
const started = performance.now();
const cpu = process.cpuUsage();
const w = new TableWriter(dir, 'scores', columns, [format]);
for (let i = 0; i < Number(n); i++) {
  const scale = SCALES[i % 4]!;
  const score = i % 97 === 0 ? null : 12 + ((i * 7919) % 4801) / 100;
  w.add({
    client: `c_${(Math.floor(i / 480) * 2654435761).toString(16).padStart(16, '0').slice(-16)}`,
    session: 1 + (Math.floor(i / 40) % 12),
    source: i % 3 === 0 ? 'self-report' : 'rater',
    rater_or_respondent: i % 3 === 0 ? 'client' : 'lexicon',
    replicate: i % 3 === 0 ? 0 : 1 + (i % 2),
    instrument: 'wai-sr',
    form: 'client',
    scale,
    score,
    pomp: score === null ? null : ((score - 12) / 48) * 100,
    prorated: i % 31 === 0 ? 1 : 0,
    missing: score === null ? 1 : 0,
  });
}
w.close();
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
const cpuSeconds = (used.user + used.system) / 1e6;
process.stdout.write(
  `${JSON.stringify({ seconds, cpuSeconds, rows: w.rows, maxRssKb: process.resourceUsage().maxRSS })}\n`,
);
