import { pearson } from '../../../stats/correlation';
import { withinBetween } from '../../../stats/within-between';
import { z } from 'zod';
import { defineCommand } from '../../command';
import { associationTable, COLUMN_OPTIONS } from './association-text';
import { inputErrorFrom, readPairedSeries } from './series-input';
import { notesBlock } from './undefined-notes';

export const decomposeCommand = defineCommand({
  path: ['stats', 'decompose'],
  summary: 'within/between decomposition: correlation of client means and of client-mean-centred values',
  description: [
    'Between: Pearson r of the client means (n = clients, df = k − 2). Within: Pearson r of values centred on',
    "each client's mean, with df = N − k − 1 (it equals the repeated-measures correlation). The pooled r is shown",
    'beside them for comparison.',
    'With --study, --x and --y name two sources (client, a coder id, a rater name): one row per client and session.',
    'JSON: {"between":{r,ci95,n,df,t,p,method},"within":{...},"pooled":{...},"clients","excluded","method"}',
  ].join('\n'),
  options: z.object(COLUMN_OPTIONS),
  examples: [
    'alliance stats decompose --in sessions.csv --subject client --x wai --y srs --json',
    'alliance stats decompose --study demo --scale total --x lexicon --y client',
  ],
  async run(_ctx, o) {
    const input = await readPairedSeries(o, 3);
    try {
      const wb = withinBetween(input.series);
      const pooled = pearson(input.series.x, input.series.y);
      const data = {
        file: input.file,
        clients: input.clients,
        excluded: input.excluded,
        between: wb.between,
        within: wb.within,
        pooled,
        method: wb.method,
      };
      const text = [
        `within/between decomposition of ${input.x} and ${input.y} in ${input.file}: ${input.series.x.length} sessions, ${input.clients} clients`,
        '',
        associationTable([
          { label: 'between clients (means)', ...wb.between },
          { label: 'within clients (centred)', ...wb.within },
          { label: 'pooled Pearson', ...pooled },
        ]),
        ...notesBlock({ between: wb.between, within: wb.within, pooled }),
      ].join('\n');
      return { data, text };
    } catch (err) {
      throw inputErrorFrom(err, input.file);
    }
  },
});
