import { main } from '@alliance-lab/cli';

/**
 * Child process of import.bench.ts: runs `alliance import transcripts` through the real CLI entry and reports
 * its own wall time and peak memory (a parent cannot read a child's maxRSS on Node), as one JSON line on stdout.
 */
const [study, ...files] = process.argv.slice(2);
let out = '';
let err = '';
const started = performance.now();
const code = await main(['import', 'transcripts', '--study', study!, ...files, '--json', '--quiet'], {
  stdout: { write: (s: string) => (out += s) },
  stderr: { write: (s: string) => (err += s), isTTY: false },
});
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ code, seconds, maxRssKb: process.resourceUsage().maxRSS, summary: out.trim() ? JSON.parse(out) : null, stderr: err })}\n`,
);
