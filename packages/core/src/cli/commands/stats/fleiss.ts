import { WEIGHT_SCHEMES } from '../../../stats/agreement-weights';
import { fleissKappa } from '../../../stats/fleiss';
import { z } from 'zod';
import { defineCommand } from '../../command';
import { renderPairs, renderTable } from '../../table';
import { fmt } from './icc';
import { choice } from '../../options';
import { asInputError, categoriesOption, categoriesOptionSchema, RATING_OPTIONS, readRatings } from './ratings-input';
import { notesBlock } from './undefined-notes';

export const fleissCommand = defineCommand({
  path: ['stats', 'fleiss'],
  summary: "Fleiss' kappa for many raters, with a kappa for each category",
  description: [
    'Fleiss (1971) kappa; with missing ratings, the generalisation of irrCAC fleiss.kappa.raw. SE by Gwet (as irrCAC),',
    '95% CI kappa ± t(n−1)·SE capped at 1. When every subject has the same number of raters, also the SEs under',
    'kappa = 0 of Fleiss, Nee & Landis (1979) with z and p, overall and per category (as irr::kappam.fleiss).',
    'With --study: subjects are sessions, raters the sources in --raters (client, a coder id, a rater name; all of the scale when absent).',
    'JSON: {"kappa","se","ci95":[lo,hi],"p","se0","z","p0","pa","pe","n","raters","balanced",',
    '"categories":[{"category","proportion","kappa","se0","z","p"}],"weights","method","file"}',
  ].join('\n'),
  options: z.object({
    ...RATING_OPTIONS,
    weights: choice(WEIGHT_SCHEMES, "unweighted, linear or quadratic (irrCAC's weighted generalisation)").default(
      'unweighted',
    ),
    categories: categoriesOptionSchema('all categories, if some may be unused'),
  }),
  examples: [
    'alliance stats fleiss --in codes.csv --json',
    'alliance stats fleiss --study demo --instrument wai-o-s --form observer --scale total',
  ],
  async run(_ctx, o) {
    const { weights } = o;
    const input = await readRatings(o, 'category');
    let res: ReturnType<typeof fleissKappa>;
    try {
      const categories = categoriesOption(o.categories);
      res = fleissKappa(input.cells, { weights, ...(categories ? { categories } : {}) });
    } catch (err) {
      throw asInputError(err, input.file);
    }
    const data = { ...res, file: input.file };
    const text = [
      `Fleiss' kappa in ${input.file}: ${res.n} subjects, up to ${res.raters} raters${res.balanced ? ' each' : ' (some ratings missing)'}`,
      '',
      renderPairs([
        ['kappa', res.kappa ?? 'undefined'],
        ['SE', res.se],
        ['95% CI', res.ci95 ? `[${fmt(res.ci95[0])}, ${fmt(res.ci95[1])}]` : 'none'],
        ['p', res.p],
        ['observed agreement', res.pa],
        ['chance agreement', res.pe],
        ...(res.z !== null ? ([['z (SE under kappa = 0)', res.z]] as Array<[string, number]>) : []),
      ]),
      '',
      renderTable(
        ['category', 'proportion', 'kappa', 'z', 'p'],
        res.categories.map((c) => [String(c.category), c.proportion, c.kappa, c.z, c.p]),
      ),
      '',
      res.method,
      ...notesBlock(res),
    ].join('\n');
    return { data, text };
  },
});
