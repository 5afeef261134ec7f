import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStudyConfig, writeStudyConfig, type StudyConfigInput } from '@alliance-lab/core';
import type { DemoStep } from './pipeline';

const MARKERS = fileURLToPath(new URL('../../packages/raters/lexicon/markers.json', import.meta.url));
const ALT_MARKERS = 'lexicon-alt-markers.json';

const fixed = (x: unknown) => (typeof x === 'number' ? x.toFixed(2) : String(x));

/** Model raters join the demo only when their key is set, on a few clients and under a small budget. */
const MODEL_CLIENTS = 'C01,C02,C03';
const MODEL_BUDGET_USD = '0.50';

/**
 * The demo's raters. Two lexicon configurations, so inter-rater statistics have two automated raters that
 * differ for a stated reason: `lexicon-alt` reads the shipped marker file with a gentler item mapping (gain 2
 * instead of 3), withdrawal episodes from three minimal turns instead of two, and a shorter repair window (4
 * turns instead of 6). With OPENAI_API_KEY or ANTHROPIC_API_KEY set, a model rater joins for a few clients.
 * Prices are the providers' list prices per million tokens when this was written; check them before a real run.
 */
export function demoRaters(env: NodeJS.ProcessEnv = process.env): NonNullable<StudyConfigInput['raters']> {
  const forms = ['wai-o-s:observer'];
  return {
    lexicon: { provider: 'lexicon', forms },
    'lexicon-alt': { provider: 'lexicon', forms, options: { markers: ALT_MARKERS } },
    ...(env.OPENAI_API_KEY
      ? { gpt: { provider: 'openai', model: env.DEMO_OPENAI_MODEL ?? 'gpt-4.1-mini', forms, maxInputTokens: 100_000, price: { inputPerMillion: 0.4, outputPerMillion: 1.6, cachedInputPerMillion: 0.1 } } }
      : {}),
    ...(env.ANTHROPIC_API_KEY
      ? {
          claude: {
            provider: 'anthropic',
            model: env.DEMO_ANTHROPIC_MODEL ?? 'claude-haiku-4-5',
            forms,
            maxInputTokens: 150_000,
            price: { inputPerMillion: 1, outputPerMillion: 5, cachedInputPerMillion: 0.1 },
          },
        }
      : {}),
  };
}

/** Writes the demo's raters into study.json and the alternative marker file beside it. */
export function configureDemoRaters(study: string, env: NodeJS.ProcessEnv = process.env): void {
  const markers = JSON.parse(readFileSync(MARKERS, 'utf8')) as {
    version: string;
    items: { gain: number };
    ruptures: { withdrawal: { minRun: number }; repair: { window: number } };
  };
  markers.version = `${markers.version}-alt`;
  markers.items.gain = 2;
  markers.ruptures.withdrawal.minRun = 3;
  markers.ruptures.repair.window = 4;
  writeFileSync(join(study, ALT_MARKERS), JSON.stringify(markers, null, 2) + '\n');
  const config = readStudyConfig(study);
  writeStudyConfig(study, { ...config, raters: demoRaters(env) });
}

const rate = (study: string, rater: string, extra: string[] = []): DemoStep => ({
  title: `rate transcripts with ${rater}`,
  args: ['rate', '--study', study, '--rater', rater, ...extra],
  report: (d) => `${d.rated} rated, ${d.failed} failed, ${d.cached} from the cache; $${fixed(d.costUsd)}`,
});

/** The rating steps of `npm run demo`: configure, rate with each rater, and compare the two lexicon raters. */
export function ratingSteps(study: string, env: NodeJS.ProcessEnv = process.env): DemoStep[] {
  const totals = join(study, 'lexicon-wai-o-s-totals.csv');
  const models = Object.keys(demoRaters(env)).filter((r) => !r.startsWith('lexicon'));
  return [
    { ...rate(study, 'lexicon'), setup: () => configureDemoRaters(study, env) },
    rate(study, 'lexicon-alt'),
    ...models.map((m) => rate(study, m, ['--sessions', MODEL_CLIENTS, '--budget', MODEL_BUDGET_USD, '--concurrency', '4'])),
    {
      title: 'export the lexicon raters’ WAI-O-S totals',
      args: ['export', 'scores', '--study', study, '--instrument', 'wai-o-s', '--scale', 'total', '--rater', 'lexicon,lexicon-alt', '--out', totals],
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
