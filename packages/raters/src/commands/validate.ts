import { defineCommand, flag, integer, list, text, UsageError } from '@alliance-lab/core/cli';
import { z } from 'zod';

export const validateCommand = defineCommand({
  path: ['validate'],
  summary:
    'validate raters: completion and cost, replicate reliability, agreement with coders, validity against self-report, baselines, ruptures',
  description: [
    "For each rater (default: every rater of study.json with stored ratings), on the study's stored scores:",
    'completion and cost; ICC across replicates with the Spearman–Brown projection for 1–5 runs; agreement with each',
    "coder and the coders' mean (ICC, Krippendorff's alpha interval, quadratic-weighted kappa per item, Bland–Altman",
    'on POMP); validity against client self-report of the same construct on POMP (rmcorr, between-client r, lmm,',
    'client-level cluster bootstrap); the same for transcript-length baselines and the partial rmcorr controlling',
    'for them; rupture episodes against the self-report (±tolerance sessions); sessions beyond the limits of',
    'agreement. When utterance codes are stored (`alliance code`), their MITI-style session summaries (R:Q, complex',
    'reflections, open questions, change-talk share) get the same within- and between-client figures (`coded`).',
    'The ICC, alpha, kappa, Bland–Altman, rmcorr and lmm objects are those `alliance stats … --json`',
    'prints on the same data. A rater scored over several replicates counts as the mean of its runs.',
    'The result is stored in the study, so `alliance serve` shows the latest run. --out writes a self-contained',
    'HTML report; --shareable leaves out transcript text, quotes and rationales and gives days since the',
    "client's first session instead of dates.",
  ].join('\n'),
  options: z.object({
    study: text('study folder', 'DIR'),
    rater: list('raters to validate; default all', 'NAME'),
    out: text('write the report here', 'FILE.html').optional(),
    shareable: flag('report without transcript text, quotes, rationales or dates'),
    bootstrap: integer('cluster-bootstrap resamples', 'N', { min: 0, max: 100_000 }).default(1000),
    seed: integer("the bootstrap's seed", 'N', { min: 0, max: 4294967295 }).default(1),
    tolerance: integer('sessions a rupture episode may be off by', 'N', { min: 0, max: 100 }).default(1),
    'ground-truth': text(
      "a simulator's truth (client, session, latent_alliance, rupture), as the demo study has",
      'FILE.csv',
    ).optional(),
  }),
  examples: [
    'alliance validate --study demo-study --json',
    'alliance validate --study pilot --rater gpt --rater lexicon --out report.html --shareable',
  ],
  async run(_ctx, o) {
    const out = o.out;
    const truthFile = o['ground-truth'];
    if (o.shareable && !out) throw new UsageError('--shareable is a property of the report: give --out FILE.html too');
    // Loaded here, not at the top: the store and its database driver cost start-up time for every other command.
    const { openStudy } = await import('@alliance-lab/core');
    const study = await openStudy(o.study);
    try {
      const { validateStudy } = await import('../validate-run/validate-study');
      const { result, text } = await validateStudy(study, {
        raters: o.rater,
        bootstrap: { resamples: o.bootstrap, seed: o.seed },
        tolerance: o.tolerance,
        ...(truthFile ? { groundTruthFile: truthFile } : {}),
        ...(out ? { out, shareable: o.shareable } : {}),
      });
      return { data: result as unknown as Record<string, unknown>, text };
    } finally {
      await study.close();
    }
  },
});
