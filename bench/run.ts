import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchSuite, Figure } from './figure';

/**
 * Runs every bench/*.bench.ts suite (or those named on the command line) and prints one table.
 * Benchmarks live here, not in tests: tests never time things.
 */
const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const rows: Array<{ suite: string; f: Figure }> = [];
for (const file of files) {
  const mod = (await import(join(here, file))) as { suite: BenchSuite };
  process.stderr.write(`running ${mod.suite.name} ...\n`);
  let figures: Figure[];
  try {
    figures = await mod.suite.run();
  } catch (err) {
    // A suite that cannot run (no PostgreSQL, say) fails alone, as a row saying why; the others still run.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`  FAILED: ${message}\n`);
    if (process.env.BENCH_STACK) process.stderr.write(`${(err as Error).stack}\n`);
    figures = [{ name: 'suite failed', value: Number.NaN, unit: '', ok: false, note: message }];
    process.exitCode = 1;
  }
  for (const f of figures) {
    rows.push({ suite: mod.suite.name, f });
    process.stderr.write(`  ${f.name}: ${fmt(f.value)} ${f.unit}\n`);
  }
}

const header = ['suite', 'figure', 'value', 'unit', 'target', 'ok', 'R', 'ratio (R/ours)', 'note'];
const table = rows.map(({ suite, f }) => [
  suite,
  f.name,
  fmt(f.value),
  f.unit,
  f.target ?? '',
  f.ok === undefined ? '' : f.ok ? 'yes' : 'NO',
  f.r ? `${fmt(f.r.value)} ${f.r.unit}` : '',
  f.r && f.r.unit === f.unit && f.value > 0 ? `${(f.r.value / f.value).toFixed(1)}x` : '',
  f.note ?? '',
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
const line = (r: string[]) =>
  r
    .map((c, i) => c.padEnd(widths[i]!))
    .join('  ')
    .trimEnd();
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of table) console.log(line(r));

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  return Number(v.toPrecision(4)).toString();
}
