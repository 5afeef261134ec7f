import { rmcorr } from '../../../stats/rmcorr';
import { z } from 'zod';
import { rmcorrJson } from './json-shapes';
import { defineCommand } from '../../command';
import { associationTable, COLUMN_OPTIONS } from './association-text';
import { inputErrorFrom, readPairedSeries } from './series-input';
import { notesBlock } from './undefined-notes';

export const rmcorrCommand = defineCommand({
  path: ['stats', 'rmcorr'],
  summary: 'repeated-measures correlation (Bakdash & Marusich 2017): the within-client association',
  description: [
    'The common within-client slope of y on x from an ANCOVA with one intercept per client, as a correlation.',
    'df = N − k − 1; p from the ANCOVA F(1, df); 95% CI by Fisher z with SE 1/√(df − 1), as the rmcorr R package.',
    'Rows with an empty or NA value in --x or --y are left out and counted.',
    'With --study, --x and --y name two sources (client, a coder id, a rater name): one row per client and session.',
    'JSON: {"r","df","p","ci95":[lo,hi],"n","subjects","excluded","method"}',
  ].join('\n'),
  options: z.object(COLUMN_OPTIONS),
  examples: [
    'alliance stats rmcorr --in sessions.csv --subject client --x wai --y srs --json',
    'alliance stats rmcorr --study demo --scale total --x lexicon --y client --replicate 1',
  ],
  async run(_ctx, o) {
    const input = await readPairedSeries(o, 2);
    try {
      const res = rmcorr(input.series);
      const data = rmcorrJson(res, input.excluded, input.file);
      const text = [
        `repeated-measures correlation of ${input.x} and ${input.y} in ${input.file}: ${res.n} sessions, ${res.subjects} clients${input.excluded ? `, ${input.excluded} rows left out` : ''}`,
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
