import { rmcorr } from '../../../stats/rmcorr';
import { rmcorrJson } from './json-shapes';
import { defineCommand } from '../../command';
import { associationTable, COLUMN_OPTIONS } from './association-text';
import { inputErrorFrom, readPairedSeries } from './series-input';
import { notesBlock } from './undefined-notes';

export const rmcorrCommand = defineCommand({
  path: ['stats', 'rmcorr'],
  summary: 'repeated-measures correlation (Bakdash & Marusich 2017): the within-client association',
  usage: 'alliance stats rmcorr --in FILE.csv [--subject subject] [--x x] [--y y] [--json]',
  description: [
    'The common within-client slope of y on x from an ANCOVA with one intercept per client, as a correlation.',
    'df = N − k − 1; p from the ANCOVA F(1, df); 95% CI by Fisher z with SE 1/√(df − 1), as the rmcorr R package.',
    'Rows with an empty or NA value in --x or --y are left out and counted.',
    'JSON: {"r","df","p","ci95":[lo,hi],"n","subjects","excluded","method"}',
  ].join('\n'),
  options: { ...COLUMN_OPTIONS },
  examples: ['alliance stats rmcorr --in sessions.csv --subject client --x wai --y srs --json'],
  async run(ctx) {
    const input = await readPairedSeries(
      ctx.need('in'),
      { subject: ctx.need('subject'), x: ctx.need('x'), y: ctx.need('y') },
      2,
    );
    try {
      const res = rmcorr(input.series);
      const data = rmcorrJson(res, input.excluded, input.file);
      const text = [
        `repeated-measures correlation of ${ctx.need('x')} and ${ctx.need('y')} in ${input.file}: ${res.n} sessions, ${res.subjects} clients${input.excluded ? `, ${input.excluded} rows left out` : ''}`,
        '',
        associationTable([{ label: 'r_rm', ...res }]),
        '',
        res.method,
        ...notesBlock(res),
      ].join('\n');
      return { data, text };
    } catch (err) {
      throw inputErrorFrom(err, input.file);
    }
  },
});
