import { WEIGHT_BASES, WEIGHT_SCHEMES } from '../../../stats/agreement-weights';
import { gwetAc } from '../../../stats/gwet-ac';
import { z } from 'zod';
import { defineCommand } from '../../command';
import { renderPairs } from '../../table';
import { fmt } from './icc';
import { choice } from '../../options';
import { asInputError, categoriesOption, categoriesOptionSchema, RATING_OPTIONS, readRatings } from './ratings-input';
import { notesBlock } from './undefined-notes';

export const acCommand = defineCommand({
  path: ['stats', 'ac'],
  summary: "Gwet's AC1 (unweighted) or AC2 (linear or quadratic weights), any number of raters, with Gwet's SE",
  description: [
    'As irrCAC gwet.ac1.raw: missing ratings allowed; SE by Gwet; 95% CI AC ± t(n−1)·SE capped at 1; two-sided p.',
    '--weights linear or quadratic gives AC2; distances from category values unless --basis levels.',
    'With --study: subjects are sessions, raters the sources in --raters (client, a coder id, a rater name; all of the scale when absent).',
    'JSON: {"ac","coefficient":"AC1"|"AC2","se","ci95":[lo,hi],"p","pa","pe","n","raters","categories","weights","basis","method","file"}',
  ].join('\n'),
  options: z.object({
    ...RATING_OPTIONS,
    weights: choice(WEIGHT_SCHEMES, 'unweighted (AC1), linear or quadratic (AC2)').default('unweighted'),
    basis: choice(WEIGHT_BASES, 'weight distances from category values or levels').default('values'),
    categories: categoriesOptionSchema('the full scale, if some categories may be unused'),
  }),
  examples: [
    'alliance stats ac --in codes.csv --json',
    'alliance stats ac --in ratings.csv --weights quadratic --categories 1,2,3,4,5',
    'alliance stats ac --study demo --instrument wai-o-s --form observer --scale total',
  ],
  async run(_ctx, o) {
    const { weights } = o;
    const { basis } = o;
    const input = await readRatings(o, 'category');
    let res: ReturnType<typeof gwetAc>;
    try {
      const categories = categoriesOption(o.categories);
      res = gwetAc(input.cells, { weights, basis, ...(categories ? { categories } : {}) });
    } catch (err) {
      throw asInputError(err, input.file);
    }
    const data = { ...res, file: input.file };
    const text = [
      `Gwet's ${res.coefficient} in ${input.file}: ${res.n} subjects, up to ${res.raters} raters`,
      '',
      renderPairs([
        [res.coefficient, res.ac ?? 'undefined'],
        ['SE', res.se],
        ['95% CI', res.ci95 ? `[${fmt(res.ci95[0])}, ${fmt(res.ci95[1])}]` : 'none'],
        ['p', res.p],
        ['observed agreement', res.pa],
        ['chance agreement', res.pe],
      ]),
      ...(res.undefinedReason ? ['', `${res.coefficient} is undefined: ${res.undefinedReason}`] : []),
      '',
      res.method,
      ...notesBlock(res),
    ].join('\n');
    return { data, text };
  },
});
