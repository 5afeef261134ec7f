// `npm run demo`: rebuilds demo-study/ from datasets/demo through the alliance CLI (the steps are listed in
// scripts/demo/pipeline.ts) and prints what the study holds.
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDemo } from './demo/pipeline';

const root = fileURLToPath(new URL('..', import.meta.url));
const study = relative(process.cwd(), join(root, 'demo-study')) || '.';
const data = relative(process.cwd(), join(root, 'datasets', 'demo'));

try {
  const counts = await runDemo(study, data, (line) => process.stdout.write(`${line}\n`));
  const w = Math.max(...Object.keys(counts).map((k) => k.length));
  process.stdout.write(
    `\n${study}:\n${Object.entries(counts)
      .map(([k, v]) => `  ${k.padEnd(w)}  ${typeof v === 'object' && v !== null ? JSON.stringify(v) : v}`)
      .join('\n')}\n`,
  );
} catch (err) {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
