import { defineCommand } from '@alliance-lab/core/cli';
import { openStudy, UsageError } from '@alliance-lab/core';

export const validateCommand = defineCommand({
  path: ['validate'],
  summary:
    'validate raters: completion and cost, replicate reliability, agreement with coders, validity against self-report, baselines, ruptures',
  usage:
    'alliance validate --study DIR [--rater NAME ...] [--json] [--out report.html] [--shareable] [--bootstrap N] [--seed N] [--tolerance N] [--ground-truth FILE.csv]',
  description: [
    "For each rater (default: every rater of study.json with stored ratings), on the study's stored scores:",
    'completion and cost; ICC across replicates with the Spearman–Brown projection for 1–5 runs; agreement with each',
    "coder and the coders' mean (ICC, Krippendorff's alpha interval, quadratic-weighted kappa per item, Bland–Altman",
    'on POMP); validity against client self-report of the same construct on POMP (rmcorr, between-client r, lmm,',
    'client-level cluster bootstrap); the same for transcript-length baselines and the partial rmcorr controlling',
    'for them; rupture episodes against the self-report (±tolerance sessions); sessions beyond the limits of',
    'agreement. The ICC, alpha, kappa, Bland–Altman, rmcorr and lmm objects are those `alliance stats … --json`',
    'prints on the same data. A rater scored over several replicates counts as the mean of its runs.',
    'The result is stored in the study, so `alliance serve` shows the latest run. --out writes a self-contained',
    'HTML report; --shareable leaves out transcript text, quotes and rationales and gives days since the',
    "client's first session instead of dates.",
  ].join('\n'),
  options: {
    study: { type: 'string', placeholder: 'DIR', description: 'study folder', required: true },
    rater: { type: 'string', placeholder: 'NAME', multiple: true, description: 'raters to validate; default all' },
    out: { type: 'string', placeholder: 'FILE.html', description: 'write the report here' },
    shareable: { type: 'boolean', description: 'report without transcript text, quotes, rationales or dates' },
    bootstrap: { type: 'string', placeholder: 'N', description: 'cluster-bootstrap resamples', default: '1000' },
    seed: { type: 'string', placeholder: 'N', description: "the bootstrap's seed", default: '1' },
    tolerance: {
      type: 'string',
      placeholder: 'N',
      description: 'sessions a rupture episode may be off by',
      default: '1',
    },
    'ground-truth': {
      type: 'string',
      placeholder: 'FILE.csv',
      description: "a simulator's truth (client, session, latent_alliance, rupture), as the demo study has",
    },
  },
  examples: [
    'alliance validate --study demo-study --json',
    'alliance validate --study pilot --rater gpt --rater lexicon --out report.html --shareable',
  ],
  async run(ctx) {
    const resamples = ctx.num('bootstrap', 1000, { min: 0, max: 100_000, integer: true })!;
    const seed = ctx.num('seed', 1, { min: 0, max: 4294967295, integer: true })!;
    const tolerance = ctx.num('tolerance', 1, { min: 0, max: 100, integer: true })!;
    const out = ctx.str('out');
    const truthFile = ctx.str('ground-truth');
    if (ctx.bool('shareable') && !out)
      throw new UsageError('--shareable is a property of the report: give --out FILE.html too');
    const study = await openStudy(ctx.need('study'));
    try {
      const { validateStudy } = await import('../validate-run/validate-study');
      const { result, text } = await validateStudy(study, {
        raters: ctx.list('rater'),
        bootstrap: { resamples, seed },
        tolerance,
        ...(truthFile ? { groundTruthFile: truthFile } : {}),
        ...(out ? { out, shareable: ctx.bool('shareable') } : {}),
      });
      return { data: result as unknown as Record<string, unknown>, text };
    } finally {
      await study.close();
    }
  },
});
