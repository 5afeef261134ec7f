import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MARKERS_FILE } from '@alliance-lab/raters';
import type { DemoStep } from './pipeline';

const ALT_MARKERS = 'lexicon-alt-markers.json';

const fixed = (x: unknown) => (typeof x === 'number' ? x.toFixed(2) : String(x));

/** Model raters join the demo only when their key is set, on a few clients and under a small budget. */
const MODEL_CLIENTS = 'C01,C02,C03';
const MODEL_BUDGET_USD = '0.50';

/**
 * The demo's raters are declared in studies/demo/study.json: two lexicon configurations, so inter-rater
 * statistics have two automated raters that differ for a stated reason, and two model raters (gpt, claude)
 * that run only when OPENAI_API_KEY or ANTHROPIC_API_KEY is set. `lexicon-alt` reads the shipped marker file with
 * a gentler item mapping (gain 2 instead of 3), withdrawal episodes from three minimal turns instead of two, and
 * a shorter repair window (4 turns instead of 6); its file is derived here from the shipped one, so the two stay
 * in step when the markers change. Prices in study.json are list prices when this was written; check them.
 */
export function demoModelRaters(env: NodeJS.ProcessEnv = process.env): string[] {
  return [...(env.OPENAI_API_KEY ? ['gpt'] : []), ...(env.ANTHROPIC_API_KEY ? ['claude'] : [])];
}

/** Writes the alternative marker file that study.json's `lexicon-alt` points at into the study folder. */
export function writeAltMarkers(study: string): void {
  const markers = JSON.parse(readFileSync(DEFAULT_MARKERS_FILE, 'utf8')) as {
    version: string;
    items: { gain: number };
    ruptures: { withdrawal: { minRun: number }; repair: { window: number } };
  };
  markers.version = `${markers.version}-alt`;
  markers.items.gain = 2;
  markers.ruptures.withdrawal.minRun = 3;
  markers.ruptures.repair.window = 4;
  writeFileSync(join(study, ALT_MARKERS), `${JSON.stringify(markers, null, 2)}\n`);
}

const rate = (study: string, rater: string, extra: string[] = []): DemoStep => ({
  title: `rate transcripts with ${rater}`,
  args: ['rate', '--study', study, '--rater', rater, ...extra],
  report: (d) => `${d.rated} rated, ${d.failed} failed, ${d.cached} from the cache; $${fixed(d.costUsd)}`,
});

/** The rating steps of `npm run demo`: configure, rate with each rater, and compare the two lexicon raters. */
export function ratingSteps(study: string, env: NodeJS.ProcessEnv = process.env): DemoStep[] {
  const totals = join(study, 'lexicon-wai-o-s-totals.csv');
  const models = demoModelRaters(env);
  return [
    { ...rate(study, 'lexicon'), setup: () => writeAltMarkers(study) },
    rate(study, 'lexicon-alt'),
    ...models.map((m) =>
      rate(study, m, ['--sessions', MODEL_CLIENTS, '--budget', MODEL_BUDGET_USD, '--concurrency', '4']),
    ),
    {
      title: 'export the lexicon raters’ WAI-O-S totals',
      args: [
        'export',
        'scores',
        '--study',
        study,
        '--instrument',
        'wai-o-s',
        '--scale',
        'total',
        '--rater',
        'lexicon,lexicon-alt',
        '--out',
        totals,
      ],
      report: (d) => `${d.rows} ratings in ${totals}`,
    },
    {
      title: 'agreement of the two lexicon configurations',
      args: ['stats', 'icc', '--in', totals, '--subject', 'session_id', '--rater', 'rater', '--value', 'score'],
      report: (d) => {
        const icc = d.ICC2 as { icc: number; ci95: number[] };
        return `ICC(2,1) absolute agreement = ${fixed(icc.icc)} [${icc.ci95.map(fixed).join(', ')}] over ${d.n} sessions`;
      },
    },
  ];
}
