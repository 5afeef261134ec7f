import { pearson, spearman } from '../../../stats/correlation';
import { rmcorr } from '../../../stats/rmcorr';
import { withinBetween } from '../../../stats/within-between';
import { z } from 'zod';
import { defineCommand } from '../../command';
import { associationTable, COLUMN_OPTIONS } from './association-text';
import { inputErrorFrom, readPairedSeries } from './series-input';
import { notesBlock } from './undefined-notes';

/**
 * `alliance stats corr`: pooled Pearson and Spearman correlations, always printed beside the
 * repeated-measures correlation and the within/between decomposition. Over sessions nested in clients a
 * pooled r mixes two different questions; showing it alone invites reading it as either.
 */
export const corrCommand = defineCommand({
  path: ['stats', 'corr'],
  summary: 'Pearson and Spearman over all sessions, beside rmcorr and the within/between decomposition',
  description: [
    'Long CSV, one row per session. Rows with an empty or NA value in --x or --y are left out and counted.',
    'With --study, --x and --y name two sources (client, a coder id, a rater name): one row per client and session.',
    'The pooled correlations treat every session as independent and mix within- and between-client association;',
    'they are reported only next to the repeated-measures correlation (within clients) and the correlation of',
    'client means (between clients).',
    'JSON: {"n","clients","excluded","pooled":{"pearson","spearman"},"rmcorr","between","within","method"}; each',
    'estimate has r, ci95, n, df, p and method.',
  ].join('\n'),
  options: z.object(COLUMN_OPTIONS),
  examples: [
    'alliance stats corr --in sessions.csv --subject client --x wai --y srs --json',
    'alliance stats corr --study demo --scale total --x lexicon --y client',
  ],
  async run(_ctx, o) {
    const input = await readPairedSeries(o, 3);
    try {
      const { x, y } = input.series;
      const p = pearson(x, y);
      const s = spearman(x, y);
      const rm = rmcorr(input.series);
      const wb = withinBetween(input.series);
      const data = {
        file: input.file,
        x: input.x,
        y: input.y,
        n: x.length,
        clients: input.clients,
        excluded: input.excluded,
        pooled: { pearson: p, spearman: s },
        rmcorr: rm,
        between: wb.between,
        within: wb.within,
        method:
          'pooled correlations (sessions treated as independent) reported beside the repeated-measures correlation and the within/between decomposition',
      };
      const text = [
        `${data.x} and ${data.y} over sessions in ${input.file}: ${data.n} sessions, ${data.clients} clients${input.excluded ? `, ${input.excluded} rows with a missing value left out` : ''}`,
        '',
        associationTable([
          { label: 'pooled Pearson', ...p },
          { label: 'pooled Spearman', ...s },
          { label: 'repeated-measures (within)', ...rm },
          { label: 'between clients (means)', ...wb.between },
          { label: 'within clients (centred)', ...wb.within },
        ]),
        '',
        'Pooled correlations mix within- and between-client association: read them with the rows below them.',
        ...notesBlock({ pooled: data.pooled, rmcorr: rm, between: wb.between, within: wb.within }),
      ].join('\n');
      return { data, text };
    } catch (err) {
      throw inputErrorFrom(err, input.file);
    }
  },
});
