import { writeFileSync } from 'node:fs';
import { scoreFilterProblem, scoresCsv, widenScores } from '../../export/scores';
import { queryScores } from '../../store/scores';
import { openStudy } from '../../store/study';
import { toCsv } from '../../util/csv';
import { InputError, UsageError } from '../../util/errors';
import { defineCommand } from '../command';

export const exportScoresCommand = defineCommand({
  path: ['export', 'scores'],
  summary: 'write every scale score (self-report, coders, raters) as a long or wide CSV for R, Python or SPSS',
  usage:
    'alliance export scores --study DIR [--out FILE] [--wide] [--instrument ID] [--form FORM] [--scale S] [--rater NAME...]',
  description:
    'Long (default): one row per client, session, source, rater, replicate, instrument, form and scale. Wide: one row per client and session, ' +
    'one column per rater_instrument_form_scale, replicates averaged. Ratings of superseded transcript versions and failed ratings are left out.',
  options: {
    study: { type: 'string', placeholder: 'DIR', description: 'study folder', required: true },
    out: { type: 'string', placeholder: 'FILE', description: 'CSV file to write (default: stdout, unless --json)' },
    wide: { type: 'boolean', description: 'one row per client and session' },
    instrument: { type: 'string', placeholder: 'ID', description: 'only this instrument' },
    form: { type: 'string', placeholder: 'FORM', description: 'only this form' },
    scale: { type: 'string', placeholder: 'S', description: 'only this scale' },
    rater: {
      type: 'string',
      placeholder: 'NAME',
      multiple: true,
      description: 'only these raters / respondents (client, therapist, coder ids, rater names)',
    },
  },
  examples: [
    'alliance export scores --study demo-study --out scores.csv',
    'alliance export scores --study demo-study --scale total --wide --out wide.csv',
  ],
  async run(ctx) {
    if (ctx.json && !ctx.str('out'))
      throw new UsageError('--json needs --out FILE: stdout carries the JSON summary, not the CSV');
    const study = await openStudy(ctx.need('study'));
    try {
      const filter = {
        instrument: ctx.str('instrument'),
        form: ctx.str('form'),
        scale: ctx.str('scale'),
        raters: ctx.list('rater'),
      };
      // A filter value that matches nothing is a typo far more often than a question, so it is refused (nothing
      // written) with the values that would match.
      const problem = await scoreFilterProblem(study.db, filter);
      if (problem) throw new InputError(problem);
      const rows = await queryScores(study.db, filter);
      const wide = ctx.bool('wide') ? widenScores(rows) : undefined;
      const csv = wide ? toCsv(wide.header, wide.rows) : scoresCsv(rows);
      const out = ctx.str('out');
      const summary = { rows: wide ? wide.rows.length : rows.length, shape: wide ? 'wide' : 'long', out: out ?? null };
      if (out) {
        writeFileSync(out, csv);
        return { data: summary, text: `wrote ${summary.rows} ${summary.shape} rows to ${out}` };
      }
      return { data: summary, text: csv.trimEnd() };
    } finally {
      await study.close();
    }
  },
});
