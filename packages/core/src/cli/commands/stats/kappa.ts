import { WEIGHT_BASES, WEIGHT_SCHEMES } from '../../../stats/agreement-weights';
import { kappaJson } from './json-shapes';
import { cohenKappa } from '../../../stats/kappa';
import { InputError } from '../../../util/errors';
import { z } from 'zod';
import { defineCommand } from '../../command';
import { renderPairs, renderTable } from '../../table';
import { fmt } from './icc';
import { choice } from '../../options';
import { asInputError, categoriesOption, categoriesOptionSchema, RATING_OPTIONS, readRatings } from './ratings-input';
import { notesBlock } from './undefined-notes';

export const kappaCommand = defineCommand({
  path: ['stats', 'kappa'],
  summary: "Cohen's kappa for two raters: unweighted, linear or quadratic weights, with SE, 95% CI, z and p",
  description: [
    'SE: Fleiss, Cohen & Everitt (1969) large-sample SE (SAS ASE), 95% CI kappa ± 1.96·SE; z and two-sided p use the',
    'SE under kappa = 0 (as irr::kappa2 and SAS). --basis values measures category distance by value (irrCAC); --basis',
    'levels by position among the categories observed (irr, psych). --categories declares the full scale.',
    'Subjects without both ratings are left out and counted ("unpaired").',
    'With --study: subjects are sessions, raters the sources in --raters (client, a coder id, a rater name; all of the scale when absent).',
    'JSON: {"kappa","se","ci95":[lo,hi],"weights","n","method","basis","se0","z","p","po","pe","categories","table",',
    '"raters":[A,B],"unpaired","file"}',
  ].join('\n'),
  options: z.object({
    ...RATING_OPTIONS,
    weights: choice(WEIGHT_SCHEMES, 'unweighted, linear or quadratic').default('unweighted'),
    basis: choice(WEIGHT_BASES, 'weight distances from category values or levels').default('values'),
    categories: categoriesOptionSchema('the full ordered scale, if some categories may be unused'),
  }),
  examples: [
    'alliance stats kappa --in codes.csv --json',
    'alliance stats kappa --in ratings.csv --weights quadratic --categories 1,2,3,4,5,6,7',
    'alliance stats kappa --study demo --instrument wai-o-s --scale total --raters K1,lexicon --replicate 1',
  ],
  async run(_ctx, o) {
    const { weights } = o;
    const { basis } = o;
    const input = await readRatings(o, 'category');
    if (input.raters.length !== 2) {
      throw new InputError(
        `Cohen's kappa compares two raters; ${input.raterSource} names ${input.raters.length} (${input.raters.join(', ')}): pick two with --raters`,
        input.raterLocation,
      );
    }
    let res: ReturnType<typeof cohenKappa>;
    try {
      const categories = categoriesOption(o.categories);
      res = cohenKappa(
        input.cells.map((r) => r[0]!),
        input.cells.map((r) => r[1]!),
        { weights, basis, ...(categories ? { categories } : {}) },
      );
    } catch (err) {
      throw asInputError(err, input.file);
    }
    const data = kappaJson(res, input.raters, input.file);
    const text = [
      `${weights === 'unweighted' ? "Cohen's kappa" : `weighted kappa (${weights})`}: ${input.raters[0]} vs ${input.raters[1]} in ${input.file}`,
      '',
      renderPairs([
        ['kappa', res.kappa ?? 'undefined'],
        ['SE', res.se],
        ['95% CI', res.ci95 ? `[${fmt(res.ci95[0])}, ${fmt(res.ci95[1])}]` : 'none'],
        ['z (SE under kappa = 0)', res.z],
        ['p (two-sided)', res.p],
        ['observed agreement', res.po],
        ['chance agreement', res.pe],
        ['subjects', res.n],
        ...(res.unpaired ? ([['left out (one rating missing)', res.unpaired]] as Array<[string, number]>) : []),
      ]),
      '',
      renderTable(
        [`${input.raters[0]} \\ ${input.raters[1]}`, ...res.categories.map(String)],
        res.table.map((row, i) => [String(res.categories[i]), ...row]),
      ),
      '',
      res.method,
      ...notesBlock(res),
    ].join('\n');
    return { data, text };
  },
});
