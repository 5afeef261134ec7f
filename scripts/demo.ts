// `npm run demo`: builds a fresh study in demo-study/ from datasets/demo through the alliance CLI and prints a
// summary. Each capability of the pipeline is one step below; a new capability joins the demo as one more step.
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alliance } from './demo/run-cli';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STUDY = relative(process.cwd(), join(ROOT, 'demo-study')) || '.';
const DATA = relative(process.cwd(), join(ROOT, 'datasets', 'demo'));

interface Step {
  title: string;
  args: string[];
  /** One line about what the step did, from the command's JSON. */
  report(data: Record<string, unknown>): string;
}

const importResponses = (title: string, instrument: string, form: string, file: string): Step => ({
  title,
  args: ['import', 'responses', '--study', STUDY, '--instrument', instrument, '--form', form, join(DATA, file)],
  report: (d) => `${d.responses} questionnaires read, ${d.inserted} stored, ${d.scored} scored`,
});

const STEPS: Step[] = [
  {
    title: 'create the study',
    args: ['init', STUDY, '--name', 'Demo study (synthetic)'],
    report: (d) => `"${d.name}" in ${STUDY}`,
  },
  {
    title: 'import transcripts',
    args: ['import', 'transcripts', '--study', STUDY, join(DATA, 'transcripts.jsonl')],
    report: (d) => `${d.sessionsImported} sessions, ${d.utterances} utterances`,
  },
  importResponses('import client WAI-SR', 'wai-sr', 'client', 'wai-sr.csv'),
  importResponses('import client SRS', 'srs', 'client', 'srs.csv'),
  importResponses('import coders\' WAI-O-S', 'wai-o-s', 'observer', 'coders-wai-o-s.csv'),
  {
    title: 'export scores',
    args: ['export', 'scores', '--study', STUDY, '--out', join(STUDY, 'scores.csv')],
    report: (d) => `${d.rows} score rows in ${join(STUDY, 'scores.csv')}`,
  },
];

async function run(): Promise<void> {
  rmSync(STUDY, { recursive: true, force: true });
  for (const [i, step] of STEPS.entries()) {
    process.stdout.write(`${i + 1}. ${step.title} … `);
    const { data } = await alliance(step.args);
    process.stdout.write(`${step.report(data)}\n`);
  }
  const { data: counts } = await alliance(['status', '--study', STUDY]);
  const w = Math.max(...Object.keys(counts).map((k) => k.length));
  process.stdout.write(`\n${STUDY}:\n${Object.entries(counts).map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n')}\n`);
}

run().catch((err: unknown) => {
  process.stderr.write(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
