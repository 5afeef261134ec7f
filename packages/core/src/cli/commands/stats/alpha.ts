import { ALPHA_METRICS, krippendorffAlpha } from '../../../stats/alpha';
import { alphaJson } from './json-shapes';
import { defineCommand } from '../../command';
import { renderPairs } from '../../table';
import { fmt } from './icc';
import { asInputError, choice, RATING_OPTIONS, readRatings } from './ratings-input';
import { notesBlock } from './undefined-notes';

export const alphaCommand = defineCommand({
  path: ['stats', 'alpha'],
  summary:
    "Krippendorff's alpha (nominal, ordinal, interval, ratio), any number of coders, missing values, bootstrap 95% CI",
  usage:
    'alliance stats alpha --in FILE.csv [--subject subject] [--rater rater] [--value value] [--wide] [--metric interval] [--bootstrap 1000] [--seed 1] [--json]',
  description: [
    'Subjects are the units and raters the coders. Units with fewer than two values are not pairable and drop out.',
    'When the pairable values do not vary, alpha is undefined: "alpha" is null and "undefinedReason" says so.',
    'The 95% interval is the percentile interval of alpha over --bootstrap resamples of the pairable units drawn',
    'with replacement by a seeded generator (--seed), so the same seed gives the same interval.',
    'JSON: {"alpha","metric","units","coders","pairable","ci95":[lo,hi]|null,"n","method","observedDisagreement",',
    '"expectedDisagreement","bootstrap":{"resamples","seed","undefinedResamples"}|null,"file"}',
  ].join('\n'),
  options: {
    ...RATING_OPTIONS,
    metric: {
      type: 'string',
      placeholder: 'METRIC',
      description: 'nominal, ordinal, interval or ratio',
      default: 'interval',
    },
    bootstrap: {
      type: 'string',
      placeholder: 'N',
      description: 'bootstrap resamples for the interval (0: none)',
      default: '1000',
    },
    seed: { type: 'string', placeholder: 'N', description: 'seed of the bootstrap', default: '1' },
  },
  examples: [
    'alliance stats alpha --in codes.csv --metric nominal --json',
    'alliance stats alpha --in ratings.csv --wide --metric ordinal --bootstrap 5000 --seed 7',
  ],
  async run(ctx) {
    const metric = choice(ctx, 'metric', ALPHA_METRICS, 'interval');
    const bootstrap = ctx.num('bootstrap', 1000, { min: 0, max: 1_000_000, integer: true })!;
    const seed = ctx.num('seed', 1, { min: 0, max: 4294967295, integer: true })!;
    const input = await readRatings(ctx, metric === 'nominal' ? 'category' : 'number');
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
