import { ALPHA_METRICS, krippendorffAlpha } from '../../../stats/alpha';
import { z } from 'zod';
import { alphaJson } from './json-shapes';
import { defineCommand } from '../../command';
import { renderPairs } from '../../table';
import { fmt } from './icc';
import { choice, integer } from '../../options';
import { asInputError, RATING_OPTIONS, readRatings } from './ratings-input';
import { notesBlock } from './undefined-notes';

export const alphaCommand = defineCommand({
  path: ['stats', 'alpha'],
  summary:
    "Krippendorff's alpha (nominal, ordinal, interval, ratio), any number of coders, missing values, bootstrap 95% CI",
  description: [
    'Subjects are the units and raters the coders. Units with fewer than two values are not pairable and drop out.',
    'When the pairable values do not vary, alpha is undefined: "alpha" is null and "undefinedReason" says so.',
    'The 95% interval is the percentile interval of alpha over --bootstrap resamples of the pairable units drawn',
    'with replacement by a seeded generator (--seed), so the same seed gives the same interval.',
    'With --study: subjects are sessions, raters the sources in --raters (client, a coder id, a rater name; all of the scale when absent).',
    'JSON: {"alpha","metric","units","coders","pairable","ci95":[lo,hi]|null,"n","method","observedDisagreement",',
    '"expectedDisagreement","bootstrap":{"resamples","seed","undefinedResamples"}|null,"file"}',
  ].join('\n'),
  options: z.object({
    ...RATING_OPTIONS,
    metric: choice(ALPHA_METRICS, 'nominal, ordinal, interval or ratio').default('interval'),
    bootstrap: integer('bootstrap resamples for the interval (0: none)', 'N', { min: 0, max: 1_000_000 }).default(1000),
    seed: integer('seed of the bootstrap', 'N', { min: 0, max: 4294967295 }).default(1),
  }),
  examples: [
    'alliance stats alpha --in codes.csv --metric nominal --json',
    'alliance stats alpha --in ratings.csv --wide --metric ordinal --bootstrap 5000 --seed 7',
    'alliance stats alpha --study demo --instrument wai-o-s --form observer --scale total',
  ],
  async run(_ctx, o) {
    const { metric, bootstrap, seed } = o;
    const input = await readRatings(o, metric === 'nominal' ? 'category' : 'number');
    let res: ReturnType<typeof krippendorffAlpha>;
    try {
      res = krippendorffAlpha(input.cells, { metric, bootstrap, seed });
    } catch (err) {
      throw asInputError(err, input.file);
    }
    const data = alphaJson(res, input.file);
    const text = [
      `Krippendorff's alpha (${metric}) in ${input.file}`,
      '',
      renderPairs([
        ['alpha', res.alpha ?? 'undefined'],
        ['95% CI', res.ci95 ? `[${fmt(res.ci95[0])}, ${fmt(res.ci95[1])}]` : 'none'],
        ['units', res.units],
        ['pairable units', res.n],
        ['pairable values', res.pairable],
        ['coders', res.coders],
        ['observed disagreement', res.observedDisagreement],
        ['expected disagreement', res.expectedDisagreement],
      ]),
      ...(res.undefinedReason ? ['', `alpha is undefined: ${res.undefinedReason}`] : []),
      '',
      res.method,
      ...notesBlock(res),
    ].join('\n');
    return { data, text };
  },
});
