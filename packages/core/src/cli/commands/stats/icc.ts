import { ICC_FORM_NAMES, ICC_FORMS, icc } from '../../../stats/icc';
import { z } from 'zod';
import { iccJson } from './json-shapes';
import { defineCommand } from '../../command';
import { renderTable } from '../../table';
import { choice } from '../../options';
import { asInputError, RATING_OPTIONS, readRatings } from './ratings-input';
import { notesBlock } from './undefined-notes';

export const iccCommand = defineCommand({
  path: ['stats', 'icc'],
  summary:
    'intraclass correlations: all six Shrout–Fleiss forms (McGraw–Wong names), F tests and 95% CIs as psych::ICC',
  description: [
    'ICC1, ICC2, ICC3 (single rater) and ICC1k, ICC2k, ICC3k (mean of k raters), each with F, df1, df2, p and the',
    "F-based 95% interval exactly as R's psych::ICC computes them (ICC2 with psych's approximate df).",
    'Incomplete designs: by default subjects missing any rater are dropped (and counted); --missing model keeps every',
    'rating and estimates subject, rater and residual variances by REML (crossed random effects, as psych::ICC(lmer = TRUE)).',
    'With --study: subjects are sessions, raters the sources in --raters (client, a coder id, a rater name; all of the scale when absent).',
    'JSON: {"ICC1":{"icc","f","df1","df2","p","ci95":[lo,hi]}, ... "ICC3k":{...}, "n","raters","method","missing",',
    '"meanSquares","varianceComponents","forms":{"ICC1":{"shroutFleiss","mcgrawWong","model"},...},"file"}',
  ].join('\n'),
  options: z.object({
    ...RATING_OPTIONS,
    missing: choice(['drop', 'model'], 'incomplete subjects: drop them, or model all ratings by REML').default('drop'),
  }),
  examples: [
    'alliance stats icc --in ratings.csv --json',
    'alliance stats icc --in wide.csv --wide --subject session --missing model',
    'alliance stats icc --study demo --instrument wai-o-s --form observer --scale total --raters K1,K2,lexicon',
  ],
  async run(_ctx, o) {
    const { missing } = o;
    const input = await readRatings(o, 'number');
    let res: ReturnType<typeof icc>;
    try {
      res = icc(input.cells as Array<Array<number | null>>, { missing });
    } catch (err) {
      throw asInputError(err, input.file);
    }
    const data = iccJson(res, input.file);
    const table = renderTable(
      ['form', 'Shrout–Fleiss', 'McGraw–Wong', 'ICC', 'F', 'df1', 'df2', 'p', '95% CI'],
      ICC_FORMS.map((k) => {
        const f = res.forms[k];
        return [
          k,
          ICC_FORM_NAMES[k].shroutFleiss,
          ICC_FORM_NAMES[k].mcgrawWong,
          f.icc,
          f.f,
          f.df1,
          f.df2,
          f.p,
          f.ci95 ? `[${fmt(f.ci95[0])}, ${fmt(f.ci95[1])}]` : 'NA',
        ];
      }),
    );
    const dropped = res.missing.subjectsDropped
      ? `, ${res.missing.subjectsDropped} of ${res.missing.subjectsInInput} subjects left out`
      : '';
    const text = [
      `ICC in ${input.file}: ${res.n} subjects x ${res.raters} raters${dropped}`,
      '',
      table,
      '',
      res.method,
      ...notesBlock(res.forms),
    ].join('\n');
    return { data, text };
  },
});

export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'NA';
  return x.toFixed(3);
}
