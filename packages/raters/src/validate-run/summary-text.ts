import type { ValidationResult } from './run';
import { fmt, fmtPair, summaryRows } from './summary-rows';

/** The terminal output: completion per rater, then the summary table. */
export function summaryText(result: ValidationResult): string {
  const lines = [`validation of ${result.raters.length} rater(s) in "${result.study}"`, ''];
  for (const r of result.raters) {
    const c = r.completion;
    lines.push(
      `${r.rater}: ${c.rated} rated, ${c.failed} failed, ${c.cached} from the cache; $${c.costUsd.toFixed(4)} ($${fmt(c.costPerSession, 4)} per session); ${r.divergence.length} sessions beyond the limits of agreement`,
    );
  }
  lines.push('');
  for (const row of summaryRows(result))
    lines.push(`${row.rater} | ${row.statistic}: ${fmt(row.estimate)} ${fmtPair(row.ci95)} (${row.n}; ${row.method})`);
  return lines.join('\n');
}
